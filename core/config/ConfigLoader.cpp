#include "config/ConfigLoader.h"
