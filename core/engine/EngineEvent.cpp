#include "engine/EngineEvent.h"
