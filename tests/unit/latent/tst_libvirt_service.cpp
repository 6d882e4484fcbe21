// The libvirt driver's threading and reporting: answers never inside the call
// and never blocking the caller, lifecycle events behind the master's back,
// libvirt's own error messages with nothing printed to stderr, probe.

#include "LibvirtTestHelpers.h"

#include "latent/DriverFactory.h"
#include "latent/libvirt/LibvirtService.h"

#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QThread>

#include <memory>
#include <unistd.h>

using namespace ymtest;
using ym::LibvirtConfig;
using ym::latent::LibvirtService;
using ym::latent::makeLatentDriver;
using State = ym::latent::InstanceInfo::State;

namespace {

std::unique_ptr<LatentDriver> transientDriver(const QString& worker)
{
    LibvirtConfig config;
    config.connection = u"test:///default"_s;
    config.xml = domainXml(worker);
    return makeLatentDriver(libvirtWorker(worker, config));
}

// Holds the ym-libvirt thread busy until released.
class BusyLibvirtThread
{
public:
    BusyLibvirtThread()
    {
        LibvirtService::instance().post([this] {
            m_entered.release();
            m_release.acquire();
        });
        m_busy = m_entered.tryAcquire(1, AnswerTimeoutMs);
    }
    ~BusyLibvirtThread() { release(); }
    BusyLibvirtThread(const BusyLibvirtThread&) = delete;
    BusyLibvirtThread& operator=(const BusyLibvirtThread&) = delete;

    bool isBusy() const { return m_busy; }
    void release()
    {
        if (m_busy)
            m_release.release();
        m_busy = false;
    }

private:
    QSemaphore m_entered;
    QSemaphore m_release;
    bool m_busy = false;
};

// Captures what is written to file descriptor 2 meanwhile.
class StderrCapture
{
public:
    StderrCapture()
    {
        m_file.open();
        ::fflush(stderr);
        m_saved = ::dup(STDERR_FILENO);
        ::dup2(m_file.handle(), STDERR_FILENO);
    }
    ~StderrCapture() { finish(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    QByteArray finish()
    {
        if (m_saved >= 0) {
            ::fflush(stderr);
            ::dup2(m_saved, STDERR_FILENO);
            ::close(m_saved);
            m_saved = -1;
        }
        QFile written(m_file.fileName());
        return written.open(QIODevice::ReadOnly) ? written.readAll() : QByteArray();
    }

private:
    QTemporaryFile m_file;
    int m_saved = -1;
};

} // namespace

class TestLibvirtService final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersNeverInsideTheCall();
    void callsDoNotWaitForTheLibvirtThread();
    void answersOfADestroyedDriverAreDropped();
    void destroyedBehindTheBackIsReported();
    void shutOffBehindTheBackIsReported();
    void libvirtErrorsCarryLibvirtsMessage();
    void libvirtPrintsNothingToStderr();
    void probeListsTheDomains();
    void secretsAreRedacted();
};

void TestLibvirtService::answersNeverInsideTheCall()
{
    const auto lv = transientDriver(u"sync1"_s);
    std::optional<Result<QString>> probed;
    lv->probe([&probed](Result<QString> result) { probed = std::move(result); });
    QVERIFY(!probed);
    QThread* answeredOn = nullptr;
    std::optional<Result<InstanceInfo>> described;
    lv->describe(InstanceRef{0, u"sync1"_s, {}, {}},
                 [&described, &answeredOn](Result<InstanceInfo> result) {
                     answeredOn = QThread::currentThread();
                     described = std::move(result);
                 });
    QVERIFY(!described);
    QVERIFY(await(probed));
    QVERIFY(await(described));
    QVERIFY2(described->ok(), why(*described).constData());
    QCOMPARE((*described)->state, State::Absent);
    QCOMPARE(answeredOn, lv->thread());
}

void TestLibvirtService::callsDoNotWaitForTheLibvirtThread()
{
    const auto lv = transientDriver(u"busy1"_s);
    BusyLibvirtThread busy;
    QVERIFY(busy.isBusy());
    // Each call returns although no libvirt work can run now.
    std::optional<Result<InstanceInfo>> started;
    std::optional<Result<QString>> probed;
    lv->start(InstanceSpec{u"busy1"_s, 1, {}},
              [&started](Result<InstanceInfo> result) { started = std::move(result); });
    lv->probe([&probed](Result<QString> result) { probed = std::move(result); });
    QCoreApplication::processEvents();
    QVERIFY(!started && !probed);
    TestConnection own(u"test:///default"_s);
    QCOMPARE(own.activity(u"busy1"_s), -1);

    busy.release();
    QVERIFY(await(started));
    QVERIFY2(started->ok(), why(*started).constData());
    QVERIFY(await(probed));
    QVERIFY(probed->ok());
    QCOMPARE(own.activity(u"busy1"_s), 1);
    const auto stopped = stopNow(*lv, refOf(**started, u"busy1"_s), true);
    QVERIFY(stopped && stopped->ok());
}

void TestLibvirtService::answersOfADestroyedDriverAreDropped()
{
    auto lv = transientDriver(u"gone1"_s);
    BusyLibvirtThread busy;
    QVERIFY(busy.isBusy());
    bool answered = false;
    lv->probe([&answered](Result<QString>) { answered = true; });
    lv.reset();
    busy.release();
    // Jobs run in order: once a later one answered, the first one has run.
    const auto later = transientDriver(u"gone2"_s);
    QVERIFY(probeNow(*later));
    QCoreApplication::processEvents();
    QVERIFY(!answered);
}

void TestLibvirtService::destroyedBehindTheBackIsReported()
{
    const auto lv = transientDriver(u"ev1"_s);
    QList<InstanceInfo> changes;
    QList<QThread*> threads;
    connect(lv.get(), &LatentDriver::instanceChanged, this,
            [&changes, &threads](const InstanceInfo& info) {
                changes.append(info);
                threads.append(QThread::currentThread());
            });
    const auto started = startNow(*lv, u"ev1"_s);
    QVERIFY(started && started->ok());
    // Its own start is reported too.
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), AnswerTimeoutMs);
    QCOMPARE(changes.first().state, State::Running);
    changes.clear();

    TestConnection own(u"test:///default"_s);
    QVERIFY(own.destroy(u"ev1"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), AnswerTimeoutMs);
    QCOMPARE(changes.first().instanceId, u"ev1"_s);
    QCOMPARE(changes.first().state, State::Absent); // transient: gone
    for (QThread* thread : std::as_const(threads))
        QCOMPARE(thread, lv->thread());
}

void TestLibvirtService::shutOffBehindTheBackIsReported()
{
    TestConnection own(u"test:///default"_s);
    virDomainPtr defined = virDomainDefineXML(own.conn(), domainXml(u"ev2"_s).toUtf8().constData());
    QVERIFY(defined);
    LibvirtConfig config;
    config.connection = u"test:///default"_s;
    const auto lv = makeLatentDriver(libvirtWorker(u"ev2"_s, config));
    QList<InstanceInfo> changes;
    connect(lv.get(), &LatentDriver::instanceChanged, this,
            [&changes](const InstanceInfo& info) { changes.append(info); });
    const auto started = startNow(*lv, u"ev2"_s);
    QVERIFY(started && started->ok());
    QCOMPARE((*started)->state, State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), AnswerTimeoutMs);
    changes.clear();

    QCOMPARE(virDomainShutdown(defined), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), AnswerTimeoutMs);
    QCOMPARE(changes.last().state, State::Stopped);
    QCOMPARE(changes.last().detail, u"shut off"_s);
    changes.clear();
    // Undefined behind its back: gone.
    QCOMPARE(virDomainUndefine(defined), 0);
    virDomainFree(defined);
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), AnswerTimeoutMs);
    QCOMPARE(changes.last().state, State::Absent);
}

void TestLibvirtService::libvirtErrorsCarryLibvirtsMessage()
{
    const QString uri = u"test:///nonexistent/path.xml"_s;
    LibvirtConfig config;
    config.connection = uri;
    const auto lv = makeLatentDriver(libvirtWorker(u"bad1"_s, config));
    const auto probed = probeNow(*lv);
    QVERIFY(probed && !probed->ok());
    // libvirt's own words for the same failure.
    QVERIFY(!TestConnection(uri).conn());
    const QString libvirtSays = QString::fromUtf8(virGetLastErrorMessage());
    QVERIFY(!libvirtSays.isEmpty());
    QCOMPARE(
        probed->error().message,
        u"libvirt worker \"bad1\": cannot connect to libvirt at %1: %2"_s.arg(uri, libvirtSays));
    const auto started = startNow(*lv, u"bad1"_s);
    QVERIFY(started && !started->ok());
    QCOMPARE(started->error().message, probed->error().message);
}

void TestLibvirtService::libvirtPrintsNothingToStderr()
{
    const QString worker = u"quiet1"_s;
    LibvirtConfig config;
    config.connection = u"test:///default"_s;
    // Named right (our check passes), but not well-formed for libvirt.
    config.xml = u"<domain type='test'><name>quiet1</name><memory>64</memory><os><type>hvm"_s;
    const auto lv = makeLatentDriver(libvirtWorker(worker, config));
    QVERIFY(probeNow(*lv)); // the service is up, the connection open

    StderrCapture capture;
    const auto started = startNow(*lv, worker);
    const auto missing = describeNow(*lv, u"quiet1"_s);
    const auto stopped = stopNow(*lv, InstanceRef{1, worker, worker, {}});
    const QByteArray printed = capture.finish();

    QVERIFY(started && !started->ok());
    QVERIFY(missing && missing->ok());
    QCOMPARE((*missing)->state, State::Absent);
    QVERIFY(stopped && stopped->ok());
    QCOMPARE(printed, QByteArray());
    const QString message = started->error().message;
    QVERIFY2(
        message.startsWith(
            u"libvirt worker \"quiet1\": cannot start domain \"quiet1\" at test:///default: "_s),
        qPrintable(message));
    TestConnection own(u"test:///default"_s);
    QVERIFY(!virDomainCreateXML(own.conn(), config.xml.toUtf8().constData(), 0));
    QVERIFY2(message.endsWith(QString::fromUtf8(virGetLastErrorMessage())), qPrintable(message));
}

void TestLibvirtService::probeListsTheDomains()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString nodeUri = writeNodeXml(dir.path());
    LibvirtConfig config;
    config.connection = nodeUri;
    const auto lv = makeLatentDriver(libvirtWorker(u"pre1"_s, config));
    const auto probed = probeNow(*lv);
    QVERIFY(probed);
    QVERIFY2(probed->ok(), why(*probed).constData());
    QCOMPARE(**probed, u"%1: 2 domains: pre1 (shut off), running1 (running)"_s.arg(nodeUri));

    const auto standard = transientDriver(u"probe1"_s);
    const auto seen = probeNow(*standard);
    QVERIFY(seen && seen->ok());
    QVERIFY2(QRegularExpression(u"^test:///default: \\d+ domains?: .*test \\(running\\)"_s)
                 .match(**seen)
                 .hasMatch(),
             qPrintable(**seen));
}

void TestLibvirtService::secretsAreRedacted()
{
    const QString uri =
        u"qemu+ssh://builder:hunter2@host/system?keyfile=/k&password=abc123&auth_token=xyz789&x=1"_s;
    const QString safe = ym::latent::redactedUri(uri);
    QCOMPARE(safe,
             u"qemu+ssh://builder:***@host/system?keyfile=/k&password=***&auth_token=***&x=1"_s);
    QCOMPARE(ym::latent::redactedText(u"cannot reach %1 (abc123)"_s.arg(uri), uri),
             u"cannot reach qemu+ssh://builder:***@host/system?keyfile=/k&password=***&"
             u"auth_token=***&x=1 (***)"_s);

    // An error for such a URI names neither secret.
    LibvirtConfig config;
    config.connection = u"test:///nonexistent/path.xml?password=abc123"_s;
    const auto lv = makeLatentDriver(libvirtWorker(u"secret1"_s, config));
    const auto probed = probeNow(*lv);
    QVERIFY(probed && !probed->ok());
    QVERIFY2(!probed->error().message.contains(u"abc123"_s), why(*probed).constData());
    QVERIFY2(probed->error().message.contains(u"password=***"_s), why(*probed).constData());
}

QTEST_MAIN(TestLibvirtService)
#include "tst_libvirt_service.moc"
