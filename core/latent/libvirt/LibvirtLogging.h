#pragma once

#include <QLoggingCategory>

// The libvirt latent driver (QT_LOGGING_RULES="ym.latent.libvirt.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcLibvirt)
