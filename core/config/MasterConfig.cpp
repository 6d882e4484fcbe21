#include "config/MasterConfig.h"
