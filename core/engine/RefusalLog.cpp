#include "engine/RefusalLog.h"
