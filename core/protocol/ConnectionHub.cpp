#include "protocol/ConnectionHub.h"
