#pragma once

#include <QLoggingCategory>

// The storage layer's category ("ym.storage").
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
