#include "CtlMain.h"
