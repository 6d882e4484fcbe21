#include "UnixSignals.h"
