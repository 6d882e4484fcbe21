#pragma once

#include <QIcon>
#include <QString>

namespace ym {

// Registers the console's resources (icons) once; safe to call often.
void initUiResources();
// An icon from resources/icons by base name, e.g. "state-connected".
QIcon uiIcon(const QString& name);

} // namespace ym
