#include "storage/StorageLogging.h"

Q_LOGGING_CATEGORY(lcStorage, "ym.storage", QtInfoMsg)
