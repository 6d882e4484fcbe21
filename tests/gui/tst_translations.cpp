// The console's translations: with the German (French) translator installed
// the way the app installs it (`--lang de|fr`), the main window's actions,
// menus and tabs are in German (French); every message of both .ts files is
// finished, non-empty and keeps the placeholders and the accelerator.
#include "GuiTestSupport.h"

#include "EngineThread.h"
#include "MainWindow.h"
#include "Translations.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QTabWidget>
#include <QTest>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;
using namespace ym;

namespace {
struct Texts
{
    QString addWorker;
    QString reload;
    QStringList menus;
    QStringList tabs;
};

Texts windowTexts()
{
    ymtest::ConsoleConfig cfg;
    if (!cfg.write(QJsonObject{}))
        return {};
    EngineThread engine(cfg.configPath());
    MainWindow window(engine.master());
    Texts texts;
    if (auto* add = window.findChild<QAction*>(u"addWorker"_s))
        texts.addWorker = add->text();
    if (auto* reload = window.findChild<QAction*>(u"reloadConfig"_s))
        texts.reload = reload->text();
    const auto menus = window.menuBar()->actions();
    for (const QAction* menu : menus)
        texts.menus << menu->text();
    for (int i = 0; i < window.tabs()->count(); ++i)
        texts.tabs << window.tabs()->tabText(i);
    return texts;
}

QSet<QString> placeholders(const QString& text)
{
    static const QRegularExpression re(u"%(\\d|n)"_s);
    QSet<QString> found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    return found;
}

bool hasAccelerator(const QString& text)
{
    return QString(text).remove(u"&&"_s).contains(u'&');
}

struct Message
{
    QString context;
    QString source;
    QStringList translations; // one, or the numerus forms
    QString type;
    bool numerus = false;
};

QList<Message> readTs(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"%1: %2"_s.arg(path, file.errorString());
        return {};
    }
    QList<Message> messages;
    QString context;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        const auto name = xml.name();
        if (name == u"name"_s) {
            context = xml.readElementText();
        } else if (name == u"message"_s) {
            Message m;
            m.context = context;
            m.numerus = xml.attributes().value(u"numerus"_s) == u"yes"_s;
            messages << m;
        } else if (name == u"source"_s && !messages.isEmpty()) {
            messages.last().source = xml.readElementText();
        } else if (name == u"translation"_s && !messages.isEmpty()) {
            messages.last().type = xml.attributes().value(u"type"_s).toString();
            if (!messages.last().numerus)
                messages.last().translations << xml.readElementText();
        } else if (name == u"numerusform"_s && !messages.isEmpty()) {
            messages.last().translations << xml.readElementText();
        }
    }
    if (xml.hasError())
        *error = u"%1:%2: %3"_s.arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}
} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { installConsoleTranslations(u"en"_s); }
    void english();
    void german();
    void french();
    void tsFilesAreComplete_data();
    void tsFilesAreComplete();
    void bothLanguagesHaveTheSameMessages();
};

void TestTranslations::english()
{
    QCOMPARE(installConsoleTranslations(u"en"_s), u"en"_s);
    const Texts texts = windowTexts();
    QCOMPARE(texts.addWorker, u"&Add worker…"_s);
    QCOMPARE(texts.menus, QStringList({u"&Master"_s, u"W&orker"_s}));
    QVERIFY2(texts.tabs.contains(u"&Builds"_s), qPrintable(texts.tabs.join(u", "_s)));
}

void TestTranslations::german()
{
    QCOMPARE(installConsoleTranslations(u"de"_s), u"de"_s);
    const Texts texts = windowTexts();
    QCOMPARE(texts.addWorker, u"Worker &hinzufügen…"_s);
    QCOMPARE(texts.reload, u"Konfiguration &neu laden"_s);
    QCOMPARE(texts.menus, QStringList({u"&Master"_s, u"W&orker"_s}));
    QCOMPARE(texts.tabs,
             QStringList({u"&Worker"_s, u"&Builds"_s, u"&Instanzen"_s, u"&Ereignisprotokoll"_s}));
}

void TestTranslations::french()
{
    QCOMPARE(installConsoleTranslations(u"fr"_s), u"fr"_s);
    const Texts texts = windowTexts();
    QCOMPARE(texts.addWorker, u"&Ajouter un worker…"_s);
    QCOMPARE(texts.reload, u"&Recharger la configuration"_s);
    QCOMPARE(texts.menus, QStringList({u"&Maître"_s, u"W&orker"_s}));
    QCOMPARE(texts.tabs, QStringList({u"&Workers"_s, u"&Builds"_s, u"&Instances"_s,
                                      u"&Journal des événements"_s}));
    // A second call replaces the translator: back to English.
    QCOMPARE(installConsoleTranslations(u"en"_s), u"en"_s);
    QCOMPARE(windowTexts().addWorker, u"&Add worker…"_s);
}

void TestTranslations::tsFilesAreComplete_data()
{
    QTest::addColumn<QString>("language");
    for (const QString& language : consoleLanguages())
        QTest::newRow(qPrintable(language)) << language;
}

void TestTranslations::tsFilesAreComplete()
{
    QFETCH(QString, language);
    const QString path =
        QStringLiteral(YM_TRANSLATIONS_DIR) + u"/yardmaster_"_s + language + u".ts"_s;
    QString error;
    const QList<Message> messages = readTs(path, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(messages.size() > 100);
    for (const Message& m : messages) {
        const QString where = u"%1 [%2] \"%3\""_s.arg(path, m.context, m.source);
        QVERIFY2(m.type.isEmpty(), qPrintable(where + u": type="_s + m.type));
        QVERIFY2(!m.translations.isEmpty(), qPrintable(where + u": no translation"_s));
        if (m.numerus)
            QVERIFY2(m.translations.size() == 2, qPrintable(where + u": not 2 plural forms"_s));
        for (const QString& t : m.translations) {
            QVERIFY2(!t.trimmed().isEmpty(), qPrintable(where + u": empty translation"_s));
            QVERIFY2(placeholders(t) == placeholders(m.source) || m.numerus,
                     qPrintable(where + u": placeholders differ in \""_s + t + u'"'));
            QVERIFY2(hasAccelerator(t) == hasAccelerator(m.source),
                     qPrintable(where + u": accelerator differs in \""_s + t + u'"'));
            QVERIFY2(m.source.endsWith(u'…') == t.endsWith(u'…'),
                     qPrintable(where + u": ellipsis differs in \""_s + t + u'"'));
        }
    }
}

void TestTranslations::bothLanguagesHaveTheSameMessages()
{
    QSet<QString> first;
    for (const QString& language : consoleLanguages()) {
        QString error;
        const auto messages = readTs(
            QStringLiteral(YM_TRANSLATIONS_DIR) + u"/yardmaster_"_s + language + u".ts"_s, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QSet<QString> keys;
        for (const Message& m : messages)
            keys << m.context + u'\x1f' + m.source;
        if (first.isEmpty())
            first = keys;
        QCOMPARE(keys, first);
    }
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
