#include "HeadlessMain.h"
