#include "engine/WorkerState.h"
