// The add/edit worker dialog: inline validation (OK disabled), and a real
// save through the engine (config file written, secret in the store, engine
// reloaded); a failed save is shown in the dialog and changes nothing.
// Adding a worker writes its password to the real OS keychain (the console's
// default store: a private gnome-keyring); the other saves use the folder.
#include "GuiTestSupport.h"

#include "EngineThread.h"
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "engine/Master.h"
#include "support/KeyringSession.h"
#include "workers/WorkerDialog.h"
#include "workers/WorkerTableModel.h"
#include "workers/WorkersView.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ym;

namespace {
constexpr int EngineTimeoutMs = 30000;

QJsonObject workerJson(const QString& name)
{
    return QJsonObject{{u"name"_s, name},
                       {u"password"_s, QJsonObject{{u"secret"_s, u"worker/"_s + name}}}};
}

// The keyring session's bus, HOME and runtime folder for this process while
// it lives (the in-process keychain store uses them); the old values after.
class KeyringEnvironment
{
public:
    explicit KeyringEnvironment(const ymtest::KeyringSession& keyring)
    {
        for (const char* name :
             {"DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_RUNTIME_DIR", "DISPLAY", "WAYLAND_DISPLAY"})
            m_saved.emplace_back(name, qEnvironmentVariableIsSet(name)
                                           ? std::optional<QByteArray>(qgetenv(name))
                                           : std::nullopt);
        keyring.exportToThisProcess();
    }
    ~KeyringEnvironment()
    {
        for (const auto& [name, value] : m_saved) {
            if (value)
                qputenv(name, *value);
            else
                qunsetenv(name);
        }
    }
    Q_DISABLE_COPY_MOVE(KeyringEnvironment)

private:
    std::vector<std::pair<const char*, std::optional<QByteArray>>> m_saved;
};

template <typename T> T* child(QWidget* parent, const QString& name)
{
    T* w = parent->findChild<T*>(name);
    if (!w)
        qWarning() << "no child" << name;
    return w;
}

QPushButton* okButton(WorkerDialog* d)
{
    return d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

QString shownError(WorkerDialog* d, const QString& name)
{
    auto* label = child<QLabel>(d, name);
    return label && !label->isHidden() ? label->text() : QString();
}

void setPropertyRow(WorkerDialog* d, int row, const QString& key, const QString& value)
{
    auto* table = child<QTableWidget>(d, u"properties"_s);
    if (row >= table->rowCount())
        QTest::mouseClick(child<QPushButton>(d, u"addProperty"_s), Qt::LeftButton);
    table->item(row, 0)->setText(key);
    table->item(row, 1)->setText(value);
}

// The engine on its thread and a workers view on it, ready when info arrived.
struct Console
{
    EngineThread engine;
    WorkerTableModel model;
    WorkersView view;

    explicit Console(const QString& configPath) : engine(configPath), view(engine.master(), &model)
    {
        QObject::connect(engine.master(), &Master::infoChanged, &view, &WorkersView::setInfo);
        QObject::connect(engine.master(), &Master::workersChanged, &model,
                         &WorkerTableModel::apply);
        QObject::connect(engine.master(), &Master::workerRemoved, &model,
                         &WorkerTableModel::remove);
        QObject::connect(engine.master(), &Master::started, &view, [this](bool ok) {
            if (ok)
                QMetaObject::invokeMethod(engine.master(), &Master::requestInfo,
                                          Qt::QueuedConnection);
        });
        engine.start();
    }
    bool ready() const { return view.info().running; }
};
} // namespace

class TestWorkerDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inlineErrors_data();
    void inlineErrors();
    void validFormEnablesOk();
    void passwordShowAndGenerate();
    void editLoadsAndReturnsTheStruct();
    void addSavesConfigAndSecretAndReloads();
    void editKeepsThePassword();
    void failedSecretWriteChangesNothing();
    void removeDeletesWorkerAndSecret();
};

void TestWorkerDialog::inlineErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("notify");
    QTest::addColumn<QString>("errorLabel");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty name") << QString() << u"pw"_s << QString() << u"nameError"_s
                                << u"needs a name"_s;
    QTest::newRow("bad characters") << u"bad name!"_s << u"pw"_s << QString() << u"nameError"_s
                                    << u"may contain only letters"_s;
    QTest::newRow("too long") << QString(101, u'x') << u"pw"_s << QString() << u"nameError"_s
                              << u"longer than 100"_s;
    QTest::newRow("duplicate") << u"bot-a"_s << u"pw"_s << QString() << u"nameError"_s
                               << u"already exists"_s;
    QTest::newRow("no password") << u"bot-new"_s << QString() << QString() << u"passwordError"_s
                                 << u"needs a password"_s;
    QTest::newRow("bad address") << u"bot-new"_s << u"pw"_s << u"ops@example.org, nobody"_s
                                 << u"notifyError"_s << u"'nobody' is not an email address"_s;
}

void TestWorkerDialog::inlineErrors()
{
    QFETCH(QString, name);
    QFETCH(QString, password);
    QFETCH(QString, notify);
    QFETCH(QString, errorLabel);
    QFETCH(QString, message);
    WorkerDialog dialog(WorkerEdit{}, {u"bot-a"_s, u"bot-b"_s});
    dialog.show();
    child<QLineEdit>(&dialog, u"name"_s)->setText(name);
    child<QLineEdit>(&dialog, u"password"_s)->setText(password);
    child<QLineEdit>(&dialog, u"notify"_s)->setText(notify);
    const QString shown = shownError(&dialog, errorLabel);
    QVERIFY2(shown.contains(message), qPrintable(shown));
    QVERIFY(!okButton(&dialog)->isEnabled());
    // Clicking OK anyway submits nothing.
    bool submitted = false;
    connect(&dialog, &WorkerDialog::submitted, this, [&] { submitted = true; });
    dialog.accept();
    QVERIFY(!submitted);
    QVERIFY(dialog.isVisible());
}

void TestWorkerDialog::validFormEnablesOk()
{
    WorkerDialog dialog(WorkerEdit{}, {u"bot-a"_s});
    dialog.show();
    QVERIFY(!okButton(&dialog)->isEnabled()); // empty form
    child<QLineEdit>(&dialog, u"name"_s)->setText(u"bot-a"_s);
    child<QLineEdit>(&dialog, u"password"_s)->setText(u"pw"_s);
    QVERIFY(!okButton(&dialog)->isEnabled());
    child<QLineEdit>(&dialog, u"name"_s)->setText(u"bot-c"_s); // fixed: the error goes
    QVERIFY(okButton(&dialog)->isEnabled());
    QCOMPARE(shownError(&dialog, u"nameError"_s), QString());
    setPropertyRow(&dialog, 0, u"os"_s, u"linux"_s);
    setPropertyRow(&dialog, 1, u"os"_s, u"bsd"_s);
    QVERIFY(shownError(&dialog, u"propertiesError"_s).contains(u"twice"_s));
    QVERIFY(!okButton(&dialog)->isEnabled());
    setPropertyRow(&dialog, 1, u"cores"_s, u"8"_s);
    QVERIFY(okButton(&dialog)->isEnabled());
}

void TestWorkerDialog::passwordShowAndGenerate()
{
    WorkerDialog dialog(WorkerEdit{}, {});
    dialog.show();
    auto* pw = child<QLineEdit>(&dialog, u"password"_s);
    QCOMPARE(pw->echoMode(), QLineEdit::Password);
    child<QCheckBox>(&dialog, u"showPasswordBox"_s)->setChecked(true);
    QCOMPARE(pw->echoMode(), QLineEdit::Normal);
    child<QCheckBox>(&dialog, u"showPasswordBox"_s)->setChecked(false);
    QCOMPARE(pw->echoMode(), QLineEdit::Password);
    QTest::mouseClick(child<QPushButton>(&dialog, u"generate"_s), Qt::LeftButton);
    const QString first = pw->text();
    QCOMPARE(first.size(), 24);
    QVERIFY(QRegularExpression(u"^[A-Za-z0-9]{24}$"_s).match(first).hasMatch());
    QTest::mouseClick(child<QPushButton>(&dialog, u"generate"_s), Qt::LeftButton);
    QVERIFY(pw->text() != first);
}

void TestWorkerDialog::editLoadsAndReturnsTheStruct()
{
    WorkerEdit initial;
    initial.originalName = u"bot-e"_s;
    initial.config.name = u"bot-e"_s;
    initial.config.password = {SecretRef::Kind::Env, u"BOT_E_PW"_s};
    initial.config.properties = QJsonObject{{u"os"_s, u"linux"_s}, {u"cores"_s, 8}};
    initial.config.maxBuilds = std::nullopt;
    initial.config.keepaliveInterval = 120;
    initial.config.notifyOnMissing = {u"a@example.org"_s, u"b@example.org"_s};
    initial.config.missingTimeout = 900;
    WorkerDialog dialog(initial, {u"bot-a"_s});
    // Unchanged form: the same config back, no password (it stays as it is).
    const WorkerEdit out = dialog.edit();
    QCOMPARE(out.originalName, u"bot-e"_s);
    QVERIFY(out.config == initial.config);
    QVERIFY(!out.password);
    QVERIFY(okButton(&dialog)->isEnabled()); // editing: no password needed
    QVERIFY(child<QCheckBox>(&dialog, u"unlimited"_s)->isChecked());
    // A rename and a new password come back in the struct.
    child<QLineEdit>(&dialog, u"name"_s)->setText(u"bot-f"_s);
    child<QLineEdit>(&dialog, u"password"_s)->setText(u"new-Pw"_s);
    child<QCheckBox>(&dialog, u"keepaliveDisabled"_s)->setChecked(true);
    const WorkerEdit changed = dialog.edit();
    QCOMPARE(changed.config.name, u"bot-f"_s);
    QCOMPARE(changed.password.value_or(QByteArray()), QByteArray("new-Pw"));
    QVERIFY(!changed.config.keepaliveInterval);
}

void TestWorkerDialog::addSavesConfigAndSecretAndReloads()
{
    // A private OS keychain; "auto" is the keychain in the console. QtKeychain
    // serves one thread per process (its job queue is a single QObject), so
    // only the engine's store touches it here: bot-a's password comes from
    // the environment, and the new password is read back through the engine.
    ymtest::KeyringSession keyring;
    QVERIFY(keyring.start());
    const KeyringEnvironment env(keyring);
    qputenv("YM_TEST_BOT_A_PW", "pw-a");
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.isValid());
    QVERIFY(cfg.write(QJsonObject{
        {u"master"_s, QJsonObject{{u"secrets"_s, u"auto"_s}}},
        {u"workers"_s, QJsonArray{QJsonObject{
                           {u"name"_s, u"bot-a"_s},
                           {u"password"_s, QJsonObject{{u"env"_s, u"YM_TEST_BOT_A_PW"_s}}}}}}}));
    Console console(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(console.ready(), EngineTimeoutMs);
    QCOMPARE(console.view.info().secretsBackend, u"keychain"_s);
    QTRY_VERIFY_WITH_TIMEOUT(console.model.rowOf(u"bot-a"_s) >= 0, EngineTimeoutMs);

    QPointer<WorkerDialog> dialog = console.view.openAddDialog();
    QVERIFY(dialog);
    child<QLineEdit>(dialog, u"name"_s)->setText(u"bot-new"_s);
    child<QLineEdit>(dialog, u"password"_s)->setText(u"Pw-new-123"_s);
    setPropertyRow(dialog, 0, u"os"_s, u"linux"_s);
    setPropertyRow(dialog, 1, u"cores"_s, u"4"_s);
    child<QCheckBox>(dialog, u"unlimited"_s)->setChecked(false);
    child<QSpinBox>(dialog, u"maxBuilds"_s)->setValue(3);
    child<QCheckBox>(dialog, u"keepaliveDisabled"_s)->setChecked(true);
    child<QLineEdit>(dialog, u"notify"_s)->setText(u"a@example.org, b@example.org"_s);
    child<QSpinBox>(dialog, u"missingTimeout"_s)->setValue(600);
    QVERIFY(okButton(dialog)->isEnabled());
    QTest::mouseClick(okButton(dialog), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, EngineTimeoutMs); // accepted and closed

    // The config file: the old one plus exactly this worker.
    ConfigLoadResult now = loadConfigFile(cfg.configPath());
    QVERIFY2(now.ok(), qPrintable(now.errors.join(u'\n')));
    MasterConfig expected = *now.config;
    expected.workers.removeLast();
    WorkerConfig w;
    w.name = u"bot-new"_s;
    w.password = {SecretRef::Kind::Secret, u"worker/bot-new"_s};
    w.properties = QJsonObject{{u"os"_s, u"linux"_s}, {u"cores"_s, 4}};
    w.maxBuilds = 3;
    w.keepaliveInterval = std::nullopt;
    w.notifyOnMissing = {u"a@example.org"_s, u"b@example.org"_s};
    w.missingTimeout = 600;
    expected.workers << w;
    QCOMPARE(cfg.configText(), serializeConfig(expected));
    QCOMPARE(now.config->workers.size(), 2);
    QCOMPARE(now.config->workers.at(0).name, u"bot-a"_s);
    // The password is in the OS keychain (read back through the store and by
    // another Secret Service client), not in the file nor the secrets folder.
    QByteArray stored;
    QString storeError = u"no answer"_s;
    QObject::connect(console.engine.master(), &Master::workerPassword, &console.view,
                     [&](const QString& name, const QByteArray& password, const QString& error) {
                         if (name == u"bot-new"_s) {
                             stored = password;
                             storeError = error;
                         }
                     });
    QTRY_VERIFY_WITH_TIMEOUT(console.view.info().config.findWorker(u"bot-new"_s), EngineTimeoutMs);
    QMetaObject::invokeMethod(
        console.engine.master(),
        [master = console.engine.master()] { master->requestWorkerPassword(u"bot-new"_s); },
        Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!stored.isEmpty() || storeError != u"no answer"_s, EngineTimeoutMs);
    QVERIFY2(storeError.isEmpty(), qPrintable(storeError));
    QCOMPARE(stored, QByteArray("Pw-new-123"));
    QCOMPARE(keyring.lookup(u"worker/bot-new"_s), std::optional<QByteArray>("Pw-new-123"));
    QVERIFY(!cfg.configText().contains("Pw-new-123"));
    QCOMPARE(ymtest::filesContaining(cfg.dir(), "Pw-new-123"), QStringList());
    // The engine reloaded: the new worker is in its state and its config.
    QTRY_VERIFY_WITH_TIMEOUT(console.model.rowOf(u"bot-new"_s) >= 0, EngineTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(console.view.info().config.findWorker(u"bot-new"_s), EngineTimeoutMs);
    const WorkerState& state = console.model.workerAt(console.model.rowOf(u"bot-new"_s));
    QCOMPARE(state.maxBuilds, std::optional<int>(3));
    QVERIFY(!state.keepaliveInterval);
    // The next step is shown: the command to run on the worker's machine.
    QMessageBox* added = nullptr;
    QTRY_VERIFY((added = console.view.findChild<QMessageBox*>(u"workerAdded"_s)));
    QVERIFY2(added->informativeText().contains(
                 u"create-worker --protocol=msgpack_experimental_v7 bot-new 127.0.0.1:%1 bot-new "
                 u"PASSWORD"_s.arg(console.view.info().port)),
             qPrintable(added->informativeText()));
}

void TestWorkerDialog::editKeepsThePassword()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{{u"workers"_s, QJsonArray{workerJson(u"bot-a"_s)}}}));
    QVERIFY(cfg.writeSecret(u"worker/bot-a"_s, "pw-a"));
    Console console(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(console.ready(), EngineTimeoutMs);
    QPointer<WorkerDialog> dialog = console.view.openEditDialog(u"bot-a"_s);
    QVERIFY(dialog);
    QCOMPARE(child<QLineEdit>(dialog, u"name"_s)->text(), u"bot-a"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"password"_s)->text(), QString());
    child<QSpinBox>(dialog, u"missingTimeout"_s)->setValue(120);
    QTest::mouseClick(okButton(dialog), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, EngineTimeoutMs);
    const ConfigLoadResult now = loadConfigFile(cfg.configPath());
    QVERIFY(now.ok());
    QCOMPARE(now.config->workers.size(), 1);
    QCOMPARE(now.config->workers.at(0).missingTimeout, 120);
    QCOMPARE(now.config->workers.at(0).password,
             (SecretRef{SecretRef::Kind::Secret, u"worker/bot-a"_s}));
    QCOMPARE(cfg.readSecret(u"worker/bot-a"_s), QByteArray("pw-a"));
    QTRY_VERIFY_WITH_TIMEOUT(
        console.model.rowOf(u"bot-a"_s) >= 0 &&
            console.model.workerAt(console.model.rowOf(u"bot-a"_s)).missingTimeout == 120,
        EngineTimeoutMs);
}

void TestWorkerDialog::failedSecretWriteChangesNothing()
{
    ymtest::ConsoleConfig cfg;
    // The secret store's folder is a plain file: every secret write fails.
    const QString notAFolder = cfg.dir() + u"/secrets-file"_s;
    QFile blocker(notAFolder);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY(cfg.write(QJsonObject{
        {u"master"_s, QJsonObject{{u"secrets_dir"_s, notAFolder}}},
        {u"workers"_s,
         QJsonArray{QJsonObject{{u"name"_s, u"bot-a"_s},
                                {u"password"_s, QJsonObject{{u"env"_s, u"BOT_A_PW"_s}}}}}}}));
    const QByteArray original = cfg.configText();
    Console console(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(console.ready(), EngineTimeoutMs);
    QPointer<WorkerDialog> dialog = console.view.openAddDialog();
    child<QLineEdit>(dialog, u"name"_s)->setText(u"bot-new"_s);
    child<QLineEdit>(dialog, u"password"_s)->setText(u"Pw-new"_s);
    QTest::mouseClick(okButton(dialog), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!shownError(dialog, u"saveError"_s).isEmpty(), EngineTimeoutMs);
    const QString error = shownError(dialog, u"saveError"_s);
    QVERIFY2(error.contains(u"cannot store the password"_s), qPrintable(error));
    QVERIFY2(!error.contains(u"Pw-new"_s), "the password must never appear in an error");
    QVERIFY(dialog->isVisible());
    QVERIFY(okButton(dialog)->isEnabled()); // may try again
    QCOMPARE(cfg.configText(), original);   // nothing written
    QVERIFY(!console.view.info().config.findWorker(u"bot-new"_s));
}

void TestWorkerDialog::removeDeletesWorkerAndSecret()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(
        QJsonObject{{u"workers"_s, QJsonArray{workerJson(u"bot-a"_s), workerJson(u"bot-b"_s)}}}));
    QVERIFY(cfg.writeSecret(u"worker/bot-a"_s, "pw-a"));
    QVERIFY(cfg.writeSecret(u"worker/bot-b"_s, "pw-b"));
    Console console(cfg.configPath());
    console.view.show();
    QTRY_VERIFY_WITH_TIMEOUT(console.ready(), EngineTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(console.model.rowOf(u"bot-b"_s) >= 0, EngineTimeoutMs);
    console.view.selectWorker(u"bot-b"_s);
    QCOMPARE(console.view.selectedWorker(), u"bot-b"_s);
    console.view.removeAction()->trigger();
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = console.view.findChild<QMessageBox*>(u"confirmRemove"_s)));
    QTest::mouseClick(confirm->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(console.model.rowOf(u"bot-b"_s) < 0, EngineTimeoutMs);
    const ConfigLoadResult now = loadConfigFile(cfg.configPath());
    QVERIFY(now.ok());
    QCOMPARE(now.config->workers.size(), 1);
    QCOMPARE(now.config->workers.at(0).name, u"bot-a"_s);
    QCOMPARE(cfg.readSecret(u"worker/bot-b"_s), QByteArray());
    QCOMPARE(cfg.readSecret(u"worker/bot-a"_s), QByteArray("pw-a"));
}

QTEST_MAIN(TestWorkerDialog)
#include "tst_worker_dialog.moc"
