// Screenshots for the README (docs/screenshots/) and the build folder: the
// first-run welcome, the main window with real workers attached (one paused)
// and the worker dialog.
#include "GuiTestSupport.h"

#include "EngineThread.h"
#include "MainWindow.h"
#include "engine/Master.h"
#include "support/MasterProcess.h"
#include "workers/WorkerDialog.h"
#include "workers/WorkerTableModel.h"
#include "workers/WorkersView.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTabWidget>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ym;

namespace {
constexpr int EngineTimeoutMs = 30000;
constexpr int AttachTimeoutMs = 60000;

QJsonObject workerJson(const QString& name, const QJsonObject& extra = {})
{
    QJsonObject w{{u"name"_s, name},
                  {u"password"_s, QJsonObject{{u"secret"_s, u"worker/"_s + name}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        w.insert(it.key(), it.value());
    return w;
}

// Saves `widget` as NAME.png in the build folder, and in docs/screenshots/
// when YM_UPDATE_SCREENSHOTS=1 (so a test run leaves the source tree alone).
// Returns the image for checks.
QImage save(QWidget* widget, const QString& name)
{
    QApplication::processEvents();
    const QImage image = widget->grab().toImage();
    QStringList folders{QStringLiteral(YM_BINARY_DIR) + u"/screenshots"_s};
    if (qEnvironmentVariableIntValue("YM_UPDATE_SCREENSHOTS") == 1)
        folders << QStringLiteral(YM_SOURCE_DIR) + u"/docs/screenshots"_s;
    for (const QString& folder : std::as_const(folders)) {
        QDir().mkpath(folder);
        if (!image.save(folder + u'/' + name + u".png"_s))
            qWarning() << "cannot save" << folder << name;
    }
    return image;
}

// A real picture: the right size and more than a few colours.
bool looksDrawn(const QImage& image, QSize atLeast)
{
    if (image.isNull() || image.width() < atLeast.width() || image.height() < atLeast.height())
        return false;
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return colours.size() > 20;
}
} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void welcome();
    void mainWindowAndWorkerDialog();
};

void TestScreenshots::welcome()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{}));
    EngineThread engine(cfg.configPath());
    MainWindow window(engine.master());
    window.resize(1000, 520);
    window.show();
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(window.workersView()->info().running, EngineTimeoutMs);
    QVERIFY(window.workersView()->showsWelcome());
    QVERIFY(looksDrawn(save(&window, u"welcome"_s), QSize(1000, 520)));
}

void TestScreenshots::mainWindowAndWorkerDialog()
{
    ymtest::ConsoleConfig cfg;
    const QJsonObject linuxProps{{u"os"_s, u"linux"_s}, {u"arch"_s, u"amd64"_s}};
    QVERIFY(cfg.write(QJsonObject{
        {u"master"_s, QJsonObject{{u"title"_s, u"Example CI"_s}}},
        {u"workers"_s,
         QJsonArray{
             workerJson(u"bot-linux-1"_s,
                        {{u"properties"_s, linuxProps},
                         {u"max_builds"_s, 2},
                         {u"notify_on_missing"_s, QJsonArray{u"ops@example.org"_s}}}),
             workerJson(u"bot-linux-2"_s, {{u"max_builds"_s, 1}}),
             workerJson(u"bot-windows"_s, {{u"keepalive_interval"_s, 600}}),
             workerJson(u"bot-macos"_s, {{u"missing_timeout"_s, 1800}}),
             workerJson(u"vm-debian"_s,
                        {{u"type"_s, u"libvirt"_s},
                         {u"libvirt"_s,
                          QJsonObject{{u"connection"_s, u"test:///default"_s},
                                      {u"xml"_s, u"<domain type='test'><name>vm-debian"
                                                 u"</name><memory>65536</memory><os>"
                                                 u"<type>hvm</type></os></domain>"_s}}}})}}}));
    for (const QString& name :
         {u"bot-linux-1"_s, u"bot-linux-2"_s, u"bot-windows"_s, u"bot-macos"_s, u"vm-debian"_s})
        QVERIFY(cfg.writeSecret(u"worker/"_s + name, "shot-Pw-" + name.toUtf8()));
    EngineThread engine(cfg.configPath());
    MainWindow window(engine.master());
    window.resize(1200, 460);
    window.show();
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(window.workersView()->info().port != 0, EngineTimeoutMs);
    const quint16 port = window.workersView()->info().port;

    ymtest::BuildbotWorker one(u"bot-linux-1"_s, "shot-Pw-bot-linux-1", port);
    ymtest::BuildbotWorker two(u"bot-linux-2"_s, "shot-Pw-bot-linux-2", port);
    QVERIFY(one.create() && two.create());
    QVERIFY(one.start() && two.start());
    WorkerTableModel* model = window.workerModel();
    const auto connected = [model](const QString& name) {
        const int row = model->rowOf(name);
        return row >= 0 && model->workerAt(row).phase == WorkerState::Phase::Connected;
    };
    QTRY_VERIFY_WITH_TIMEOUT(connected(u"bot-linux-1"_s) && connected(u"bot-linux-2"_s),
                             AttachTimeoutMs);
    Master* m = engine.master();
    QMetaObject::invokeMethod(
        m, [m] { m->pauseWorker(u"bot-linux-2"_s, u"disk cleanup"_s); }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(model->workerAt(model->rowOf(u"bot-linux-2"_s)).paused,
                             EngineTimeoutMs);
    // A latent worker on libvirt's test driver, started: its domain runs,
    // nothing attaches in a test domain.
    QMetaObject::invokeMethod(
        m, [m] { m->startLatentWorker(u"vm-debian"_s); }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const WorkerState& vm = model->workerAt(model->rowOf(u"vm-debian"_s));
            return vm.latent && vm.latent->phase == LatentState::Phase::WaitingForAttach;
        }(),
        EngineTimeoutMs);
    window.workersView()->selectWorker(u"bot-linux-1"_s);
    QVERIFY(looksDrawn(save(&window, u"main-window"_s), QSize(1200, 460)));
    // The instance ledger.
    window.tabs()->setCurrentIndex(2);
    QTest::qWait(500); // the tab reads the ledger when shown
    QVERIFY(looksDrawn(save(&window, u"instances"_s), QSize(1200, 460)));

    // The event log tab.
    window.tabs()->setCurrentIndex(window.tabs()->count() - 1);
    QVERIFY(looksDrawn(save(&window, u"event-log"_s), QSize(1200, 460)));
    window.tabs()->setCurrentIndex(0);

    WorkerDialog* dialog = window.workersView()->openEditDialog(u"bot-linux-1"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(looksDrawn(save(dialog, u"worker-dialog"_s), QSize(300, 300)));
    dialog->reject();

    // Adding a libvirt worker.
    dialog = window.workersView()->openAddDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->findChild<QLineEdit*>(u"name"_s)->setText(u"vm-debian"_s);
    dialog->findChild<QPushButton*>(u"generate"_s)->click();
    dialog->findChild<QComboBox*>(u"workerType"_s)->setCurrentIndex(1);
    dialog->findChild<QLineEdit*>(u"connection"_s)->setText(u"qemu:///session"_s);
    dialog->findChild<QLineEdit*>(u"hdImage"_s)->setText(u"/var/lib/yardmaster/vm-debian.qcow2"_s);
    dialog->findChild<QLineEdit*>(u"baseImage"_s)
        ->setText(u"/var/lib/yardmaster/debian-12.qcow2"_s);
    QVERIFY(looksDrawn(save(dialog, u"worker-dialog-libvirt"_s), QSize(300, 400)));
    dialog->reject();
}

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
