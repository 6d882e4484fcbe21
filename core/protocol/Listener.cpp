#include "protocol/Listener.h"
