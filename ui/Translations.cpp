#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace ym {

namespace {
const auto TranslatorName = u"ymConsoleTranslator"_s;

void removeInstalled(QCoreApplication* app)
{
    const auto installed =
        app->findChildren<QTranslator*>(TranslatorName, Qt::FindDirectChildrenOnly);
    for (QTranslator* translator : installed) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

// Returns the installed translator, or null when no file matched.
QTranslator* install(QCoreApplication* app, const QLocale& locale, const QString& name,
                     const QString& directory)
{
    auto* translator = new QTranslator(app);
    translator->setObjectName(TranslatorName);
    if (translator->load(locale, name, u"_"_s, directory) &&
        QCoreApplication::installTranslator(translator))
        return translator;
    delete translator;
    return nullptr;
}
} // namespace

QStringList consoleLanguages()
{
    return {u"de"_s, u"fr"_s};
}

QString installConsoleTranslations(const QString& language)
{
    QCoreApplication* app = QCoreApplication::instance();
    if (!app)
        return u"en"_s;
    removeInstalled(app);
    if (language == u"en"_s)
        return u"en"_s;
    // The system locale's UI languages include LANGUAGE's list; English (the
    // source language) has no file, so it matches nothing.
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    const QTranslator* own = install(app, locale, u"yardmaster"_s, u":/i18n"_s);
    if (!own)
        return u"en"_s;
    // Qt's own texts (standard buttons, context menus); optional
    // (qt6-translations-l10n), the console works without them.
    install(app, locale, u"qtbase"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    return QLocale::languageToCode(QLocale(own->language()).language());
}

} // namespace ym
