#include "engine/WorkerSession.h"
