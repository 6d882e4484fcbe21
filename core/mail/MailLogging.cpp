#include "mail/MailLogging.h"

Q_LOGGING_CATEGORY(lcMail, "ym.mail", QtInfoMsg)
