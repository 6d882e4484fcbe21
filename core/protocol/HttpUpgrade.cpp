#include "protocol/HttpUpgrade.h"
