#include "protocol/WebSocketFrame.h"
