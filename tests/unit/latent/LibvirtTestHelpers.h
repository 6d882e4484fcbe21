#pragma once

// Helpers for the libvirt driver tests: libvirt's built-in test driver
// (test:///default, test:///<abs>/node.xml, in-process), real qemu-img/qemu-io.

#include "config/MasterConfig.h"
#include "latent/LatentDriver.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <optional>

namespace ymtest {

using namespace Qt::StringLiterals;
using ym::Result;
using ym::latent::InstanceInfo;
using ym::latent::InstanceRef;
using ym::latent::InstanceSpec;
using ym::latent::LatentDriver;

constexpr int AnswerTimeoutMs = 60'000;

// Waits (event loop running) for an answer the driver delivers later.
template <typename T> std::optional<T> await(const std::optional<T>& slot)
{
    static_cast<void>(QTest::qWaitFor([&slot] { return slot.has_value(); }, AnswerTimeoutMs));
    return slot;
}

// The error message of a result, for QVERIFY2 (empty when it succeeded).
template <typename R> QByteArray why(const R& result)
{
    return result.ok() ? QByteArray() : result.error().message.toUtf8();
}

inline std::optional<Result<InstanceInfo>> startNow(LatentDriver& driver, const QString& worker)
{
    std::optional<Result<InstanceInfo>> answer;
    driver.start(InstanceSpec{worker, 1, u"test-master"_s},
                 [&answer](Result<InstanceInfo> result) { answer = std::move(result); });
    return await(answer);
}

inline std::optional<Result<void>> stopNow(LatentDriver& driver, const InstanceRef& ref,
                                           bool force = false)
{
    std::optional<Result<void>> answer;
    driver.stop(ref, force, [&answer](Result<void> result) { answer = std::move(result); });
    return await(answer);
}

inline std::optional<Result<InstanceInfo>> describeNow(LatentDriver& driver, const QString& worker)
{
    std::optional<Result<InstanceInfo>> answer;
    driver.describe(InstanceRef{0, worker, worker, {}},
                    [&answer](Result<InstanceInfo> result) { answer = std::move(result); });
    return await(answer);
}

inline std::optional<Result<QString>> probeNow(LatentDriver& driver)
{
    std::optional<Result<QString>> answer;
    driver.probe([&answer](Result<QString> result) { answer = std::move(result); });
    return await(answer);
}

inline InstanceRef refOf(const InstanceInfo& info, const QString& worker)
{
    return InstanceRef{1, worker, info.instanceId, info.attributes};
}

// A test-driver domain, optionally with a disk.
inline QString domainXml(const QString& name, const QString& disk = {})
{
    QString xml = u"<domain type='test'><name>%1</name><memory unit='MiB'>64</memory>"
                  u"<os><type>hvm</type></os><devices>"_s.arg(name);
    if (!disk.isEmpty())
        xml += u"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
               u"<source file='%1'/><target dev='vda' bus='virtio'/></disk>"_s.arg(disk);
    return xml + u"</devices></domain>"_s;
}

// A test-driver node with "pre1" (defined, shut off) and "running1"
// (running); answers its test:///<abs path> URI (empty on failure).
inline QString writeNodeXml(const QString& folder)
{
    const QString path = QDir(folder).absoluteFilePath(u"node.xml"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("<node>\n"
               "  <domain type='test' xmlns:test='http:/"
               "/libvirt.org/schemas/domain/test/1.0'>\n"
               "    <name>pre1</name><memory unit='MiB'>64</memory>\n"
               "    <os><type>hvm</type></os>\n"
               "    <test:runstate>5</test:runstate>\n"
               "  </domain>\n"
               "  <domain type='test'>\n"
               "    <name>running1</name><memory unit='MiB'>64</memory>\n"
               "    <os><type>hvm</type></os>\n"
               "  </domain>\n"
               "</node>\n");
    return u"test://"_s + path;
}

inline ym::WorkerConfig libvirtWorker(const QString& name, const ym::LibvirtConfig& libvirt)
{
    ym::WorkerConfig worker;
    worker.name = name;
    worker.latent.driver = ym::LatentConfig::Driver::Libvirt;
    worker.latent.libvirt = libvirt;
    return worker;
}

struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline ProcessResult run(const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.start(program, arguments);
    ProcessResult result;
    if (!process.waitForFinished(60'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

inline QJsonObject qemuImgInfo(const QString& path)
{
    const ProcessResult info = run(u"qemu-img"_s, {u"info"_s, u"-U"_s, u"--output=json"_s, path});
    return QJsonDocument::fromJson(info.out).object();
}

// qemu-io: writes `pattern` at the start of the image / checks it is there.
inline bool writePattern(const QString& image, int pattern)
{
    return run(u"qemu-io"_s,
               {u"-f"_s, u"qcow2"_s, u"-c"_s, u"write -P %1 0 64k"_s.arg(pattern), image})
               .exitCode == 0;
}

inline bool hasPattern(const QString& image, int pattern)
{
    return run(u"qemu-io"_s,
               {u"-f"_s, u"qcow2"_s, u"-c"_s, u"read -P %1 0 64k"_s.arg(pattern), image})
               .exitCode == 0;
}

inline QByteArray sha256Of(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

// The test's own libvirt connection (the test thread is not an engine).
class TestConnection
{
public:
    explicit TestConnection(const QString& uri) : m_conn(virConnectOpen(uri.toUtf8().constData()))
    {}
    ~TestConnection()
    {
        if (m_conn)
            virConnectClose(m_conn);
    }
    TestConnection(const TestConnection&) = delete;
    TestConnection& operator=(const TestConnection&) = delete;

    virConnectPtr conn() const { return m_conn; }
    // -1: no such domain, 0: defined but inactive, 1: running
    int activity(const QString& name) const
    {
        virDomainPtr domain = virDomainLookupByName(m_conn, name.toUtf8().constData());
        if (!domain)
            return -1;
        const int active = virDomainIsActive(domain);
        virDomainFree(domain);
        return active;
    }
    bool destroy(const QString& name) const
    {
        virDomainPtr domain = virDomainLookupByName(m_conn, name.toUtf8().constData());
        if (!domain)
            return false;
        const bool ok = virDomainDestroy(domain) == 0;
        virDomainFree(domain);
        return ok;
    }

private:
    virConnectPtr m_conn;
};

} // namespace ymtest
