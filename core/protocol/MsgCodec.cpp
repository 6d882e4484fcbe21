#include "protocol/MsgCodec.h"
