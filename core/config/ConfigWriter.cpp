#include "config/ConfigWriter.h"
