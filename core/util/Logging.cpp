#include "util/Logging.h"

Q_LOGGING_CATEGORY(lcConfig, "ym.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSecrets, "ym.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProtocol, "ym.protocol", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEngine, "ym.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLatent, "ym.latent", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "ym.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcControl, "ym.control", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "ym.app", QtInfoMsg)
