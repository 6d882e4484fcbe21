#pragma once

#include <QLoggingCategory>

// Outgoing mail (QT_LOGGING_RULES="ym.mail.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcMail)
