#include "engine/Master.h"
