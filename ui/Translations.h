#pragma once

#include <QString>
#include <QStringList>

namespace ym {

// The console's languages besides English (the source language): the .qm
// files built from translations/yardmaster_<code>.ts into :/i18n.
QStringList consoleLanguages();

// Installs the console's translators on the running QCoreApplication:
// Yardmaster's own and, when the system has them, Qt's qtbase translations.
// `language` is "de", "fr", "en" (no translation) or empty (the system
// locale, QLocale::system()). A second call replaces the translators of the
// first. Returns the language now in effect ("en" when nothing matched).
QString installConsoleTranslations(const QString& language = {});

} // namespace ym
