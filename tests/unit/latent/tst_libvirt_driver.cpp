// The libvirt driver against libvirt's in-process test driver and real
// qemu-img: overlays, transient and predefined domains, errors.

#include "LibvirtTestHelpers.h"

#include "latent/DriverFactory.h"

#include <QFileInfo>
#include <QTemporaryDir>

#include <memory>

using namespace ymtest;
using ym::LibvirtConfig;
using ym::latent::makeLatentDriver;
using State = ym::latent::InstanceInfo::State;

class TestLibvirtDriver final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void factoryMakesDriversForLibvirtOnly();
    void baseImageGetsAFreshOverlayPerStart();
    void leftoverOverlayIsReplaced();
    void missingBaseImageIsRefused();
    void failedStartDeletesTheOverlay();
    void hdImageWithoutBaseIsNeverDeleted();
    void transientDomainIsGoneAfterStop();
    void predefinedDomainIsStartedAndShutOff();
    void missingDomainIsAClearError();
    void runningDomainIsNotAdopted();
    void xmlNamingAnotherDomainIsRefused();

private:
    std::unique_ptr<LatentDriver> driver(const QString& worker, const LibvirtConfig& config)
    {
        return makeLatentDriver(libvirtWorker(worker, config));
    }
    LibvirtConfig overlayConfig(const QString& worker) const
    {
        LibvirtConfig config;
        config.connection = u"test:///default"_s;
        config.baseImage = m_base;
        config.hdImage = m_dir.filePath(worker + u".qcow2"_s);
        config.xml = domainXml(worker, config.hdImage);
        return config;
    }

    QTemporaryDir m_dir;
    QString m_base;
    QByteArray m_baseHash;
    QString m_nodeUri;
};

void TestLibvirtDriver::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_base = m_dir.filePath(u"base.qcow2"_s);
    const ProcessResult made =
        run(u"qemu-img"_s, {u"create"_s, u"-q"_s, u"-f"_s, u"qcow2"_s, m_base, u"16M"_s});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    m_baseHash = sha256Of(m_base);

    m_nodeUri = writeNodeXml(m_dir.path());
    QVERIFY(!m_nodeUri.isEmpty());
}

void TestLibvirtDriver::factoryMakesDriversForLibvirtOnly()
{
    ym::WorkerConfig standard;
    standard.name = u"plain"_s;
    QVERIFY(!makeLatentDriver(standard));
    const auto libvirt = driver(u"lv"_s, overlayConfig(u"lv"_s));
    QVERIFY(libvirt);
    QCOMPARE(libvirt->kind(), u"libvirt"_s);
}

void TestLibvirtDriver::baseImageGetsAFreshOverlayPerStart()
{
    const QString worker = u"ovl1"_s;
    const LibvirtConfig config = overlayConfig(worker);
    const auto lv = driver(worker, config);
    QVERIFY(!QFileInfo::exists(config.hdImage));

    const auto first = startNow(*lv, worker);
    QVERIFY(first);
    QVERIFY2(first->ok(), why(*first).constData());
    QCOMPARE((*first)->instanceId, worker);
    QCOMPARE((*first)->state, State::Running);
    QCOMPARE((*first)->attributes.value(u"hd_image"_s).toString(), config.hdImage);
    QCOMPARE((*first)->attributes.value(u"base_image"_s).toString(), m_base);
    QCOMPARE((*first)->attributes.value(u"transient"_s).toBool(), true);
    QCOMPARE((*first)->attributes.value(u"uri"_s).toString(), u"test:///default"_s);
    QVERIFY(!(*first)->attributes.value(u"uuid"_s).toString().isEmpty());

    // The overlay exists, backed by the base.
    QVERIFY(QFileInfo::exists(config.hdImage));
    QJsonObject info = qemuImgInfo(config.hdImage);
    QCOMPARE(info.value(u"format"_s).toString(), u"qcow2"_s);
    QCOMPARE(info.value(u"backing-filename"_s).toString(), m_base);
    QCOMPARE(info.value(u"backing-filename-format"_s).toString(), u"qcow2"_s);
    // What the "guest" writes lands in the overlay.
    QVERIFY(writePattern(config.hdImage, 0x5a));
    QVERIFY(hasPattern(config.hdImage, 0x5a));

    const auto stopped = stopNow(*lv, refOf(**first, worker));
    QVERIFY(stopped);
    QVERIFY2(stopped->ok(), why(*stopped).constData());
    QVERIFY(!QFileInfo::exists(config.hdImage));

    // The second start gets a new overlay: the first one's data is gone.
    const auto second = startNow(*lv, worker);
    QVERIFY(second);
    QVERIFY2(second->ok(), why(*second).constData());
    info = qemuImgInfo(config.hdImage);
    QCOMPARE(info.value(u"backing-filename"_s).toString(), m_base);
    QVERIFY(hasPattern(config.hdImage, 0));
    QVERIFY(!hasPattern(config.hdImage, 0x5a));

    const auto stoppedAgain = stopNow(*lv, refOf(**second, worker), true);
    QVERIFY(stoppedAgain && stoppedAgain->ok());
    QVERIFY(!QFileInfo::exists(config.hdImage));
    // The base was never touched.
    QVERIFY(QFileInfo::exists(m_base));
    QCOMPARE(sha256Of(m_base), m_baseHash);
}

void TestLibvirtDriver::leftoverOverlayIsReplaced()
{
    const QString worker = u"ovl2"_s;
    const LibvirtConfig config = overlayConfig(worker);
    const auto lv = driver(worker, config);
    const auto first = startNow(*lv, worker);
    QVERIFY(first && first->ok());
    // The master "crashes": the domain dies, the overlay stays with data in it.
    TestConnection own(u"test:///default"_s);
    QVERIFY(own.destroy(worker));
    QVERIFY(writePattern(config.hdImage, 0x33));

    const auto second = startNow(*lv, worker);
    QVERIFY(second);
    QVERIFY2(second->ok(), why(*second).constData());
    QVERIFY(hasPattern(config.hdImage, 0));
    QCOMPARE(qemuImgInfo(config.hdImage).value(u"backing-filename"_s).toString(), m_base);

    // A running domain's overlay is not replaced.
    const auto again = startNow(*lv, worker);
    QVERIFY(again && !again->ok());
    QVERIFY2(again->error().message.contains(u"already running"_s), why(*again).constData());
    QVERIFY(QFileInfo::exists(config.hdImage));

    const auto stopped = stopNow(*lv, refOf(**second, worker));
    QVERIFY(stopped && stopped->ok());
    QVERIFY(!QFileInfo::exists(config.hdImage));
    QCOMPARE(sha256Of(m_base), m_baseHash);
}

void TestLibvirtDriver::missingBaseImageIsRefused()
{
    const QString worker = u"ovl3"_s;
    LibvirtConfig config = overlayConfig(worker);
    config.baseImage = m_dir.filePath(u"no-such-base.qcow2"_s);
    const auto lv = driver(worker, config);
    const auto started = startNow(*lv, worker);
    QVERIFY(started && !started->ok());
    QCOMPARE(started->error().message,
             u"libvirt worker \"ovl3\": base image %1 does not exist"_s.arg(config.baseImage));
    QVERIFY(!QFileInfo::exists(config.hdImage));
    TestConnection own(u"test:///default"_s);
    QCOMPARE(own.activity(worker), -1);
}

void TestLibvirtDriver::failedStartDeletesTheOverlay()
{
    const QString worker = u"ovl4"_s;
    LibvirtConfig config = overlayConfig(worker);
    // Well-formed, named right, but libvirt rejects it.
    config.xml = u"<domain type='test'><name>ovl4</name><memory>lots</memory></domain>"_s;
    const auto lv = driver(worker, config);
    const auto started = startNow(*lv, worker);
    QVERIFY(started && !started->ok());
    const QString message = started->error().message;
    QVERIFY2(message.startsWith(
                 u"libvirt worker \"ovl4\": cannot start domain \"ovl4\" at test:///default: "_s),
             qPrintable(message));
    // libvirt's own message follows: ask libvirt the same thing.
    TestConnection own(u"test:///default"_s);
    QVERIFY(!virDomainCreateXML(own.conn(), config.xml.toUtf8().constData(), 0));
    QVERIFY2(message.endsWith(QString::fromUtf8(virGetLastErrorMessage())), qPrintable(message));
    QVERIFY(!QFileInfo::exists(config.hdImage));
    QCOMPARE(sha256Of(m_base), m_baseHash);
}

void TestLibvirtDriver::hdImageWithoutBaseIsNeverDeleted()
{
    const QString worker = u"disk1"_s;
    LibvirtConfig config;
    config.connection = u"test:///default"_s;
    config.hdImage = m_dir.filePath(u"own-disk.qcow2"_s);
    config.xml = domainXml(worker, config.hdImage);
    const ProcessResult made =
        run(u"qemu-img"_s, {u"create"_s, u"-q"_s, u"-f"_s, u"qcow2"_s, config.hdImage, u"16M"_s});
    QVERIFY(made.exitCode == 0);
    QVERIFY(writePattern(config.hdImage, 0x77));
    const auto lv = driver(worker, config);
    const auto started = startNow(*lv, worker);
    QVERIFY(started && started->ok());
    QCOMPARE((*started)->attributes.value(u"base_image"_s).toString(), QString());
    // Even a stop whose ledger row lacks the attributes keeps the disk.
    for (const InstanceRef& ref : {refOf(**started, worker), InstanceRef{1, worker, worker, {}}}) {
        const auto stopped = stopNow(*lv, ref);
        QVERIFY(stopped && stopped->ok());
        QVERIFY(QFileInfo::exists(config.hdImage));
        QVERIFY(hasPattern(config.hdImage, 0x77));
    }
}

void TestLibvirtDriver::transientDomainIsGoneAfterStop()
{
    const QString worker = u"trans1"_s;
    LibvirtConfig config;
    config.connection = u"test:///default"_s;
    config.xml = domainXml(worker);
    const auto lv = driver(worker, config);
    TestConnection own(u"test:///default"_s);
    QCOMPARE(own.activity(worker), -1);

    const auto started = startNow(*lv, worker);
    QVERIFY(started);
    QVERIFY2(started->ok(), why(*started).constData());
    QCOMPARE(own.activity(worker), 1);
    const auto described = describeNow(*lv, worker);
    QVERIFY(described && described->ok());
    QCOMPARE((*described)->state, State::Running);
    QCOMPARE((*described)->detail, u"running"_s);

    const auto stopped = stopNow(*lv, refOf(**started, worker));
    QVERIFY(stopped);
    QVERIFY2(stopped->ok(), why(*stopped).constData());
    QCOMPARE(own.activity(worker), -1);
    const auto gone = describeNow(*lv, worker);
    QVERIFY(gone && gone->ok());
    QCOMPARE((*gone)->state, State::Absent);
    // Stopping what is gone succeeds.
    const auto again = stopNow(*lv, refOf(**started, worker));
    QVERIFY(again && again->ok());
}

void TestLibvirtDriver::predefinedDomainIsStartedAndShutOff()
{
    LibvirtConfig config;
    config.connection = m_nodeUri;
    const auto lv = driver(u"pre1"_s, config);
    const auto before = describeNow(*lv, u"pre1"_s);
    QVERIFY(before && before->ok());
    QCOMPARE((*before)->state, State::Stopped);
    QCOMPARE((*before)->detail, u"shut off"_s);

    const auto started = startNow(*lv, u"pre1"_s);
    QVERIFY(started);
    QVERIFY2(started->ok(), why(*started).constData());
    QCOMPARE((*started)->state, State::Running);
    QCOMPARE((*started)->attributes.value(u"transient"_s).toBool(), false);
    const auto running = describeNow(*lv, u"pre1"_s);
    QVERIFY(running && running->ok());
    QCOMPARE((*running)->state, State::Running);

    const auto stopped = stopNow(*lv, refOf(**started, u"pre1"_s));
    QVERIFY(stopped);
    QVERIFY2(stopped->ok(), why(*stopped).constData());
    const auto after = describeNow(*lv, u"pre1"_s);
    QVERIFY(after && after->ok());
    QCOMPARE((*after)->state, State::Stopped); // still defined
    QCOMPARE((*after)->detail, u"shut off"_s);
}

void TestLibvirtDriver::missingDomainIsAClearError()
{
    LibvirtConfig config;
    config.connection = m_nodeUri;
    const auto lv = driver(u"ghost"_s, config);
    const auto started = startNow(*lv, u"ghost"_s);
    QVERIFY(started && !started->ok());
    QCOMPARE(started->error().message,
             u"libvirt worker \"ghost\": no libvirt domain named \"ghost\" is defined at %1 "
             u"and no xml is configured"_s.arg(m_nodeUri));
}

void TestLibvirtDriver::runningDomainIsNotAdopted()
{
    LibvirtConfig config;
    config.connection = m_nodeUri;
    const auto lv = driver(u"running1"_s, config);
    const auto started = startNow(*lv, u"running1"_s);
    QVERIFY(started && !started->ok());
    QCOMPARE(started->error().message,
             u"libvirt worker \"running1\": domain \"running1\" at %1 is already running; not "
             u"started by this master"_s.arg(m_nodeUri));
}

void TestLibvirtDriver::xmlNamingAnotherDomainIsRefused()
{
    LibvirtConfig config;
    config.connection = u"test:///default"_s;
    config.xml = domainXml(u"other"_s);
    const auto lv = driver(u"named1"_s, config);
    const auto started = startNow(*lv, u"named1"_s);
    QVERIFY(started && !started->ok());
    QVERIFY2(started->error().message.contains(u"defines domain \"other\""_s),
             qPrintable(started->error().message));
    TestConnection own(u"test:///default"_s);
    QCOMPARE(own.activity(u"other"_s), -1);
}

QTEST_MAIN(TestLibvirtDriver)
#include "tst_libvirt_driver.moc"
