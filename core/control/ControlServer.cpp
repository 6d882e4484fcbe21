#include "control/ControlServer.h"
