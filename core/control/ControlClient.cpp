#include "control/ControlClient.h"
