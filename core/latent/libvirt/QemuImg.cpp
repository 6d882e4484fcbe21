#include "latent/libvirt/QemuImg.h"

#include "latent/libvirt/LibvirtLogging.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace ym::latent::QemuImg {

namespace {
constexpr int TimeoutMs = 120'000;
}

Result<void> createOverlay(const QString& base, const QString& overlay)
{
    const QString program = QStandardPaths::findExecutable(u"qemu-img"_s);
    if (program.isEmpty())
        return Error{u"qemu-img was not found in PATH (install qemu-utils)"_s};
    const QString absoluteBase = QFileInfo(base).absoluteFilePath();
    const QStringList arguments{u"create"_s,  u"-q"_s, u"-f"_s,    u"qcow2"_s, u"-b"_s,
                                absoluteBase, u"-F"_s, u"qcow2"_s, overlay};
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(TimeoutMs))
        return Error{u"cannot run %1: %2"_s.arg(program, process.errorString())};
    if (!process.waitForFinished(TimeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return Error{u"qemu-img create did not finish within %1 s"_s.arg(TimeoutMs / 1000)};
    }
    const QString errors = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return Error{u"qemu-img create failed (exit code %1): %2"_s.arg(process.exitCode())
                         .arg(errors.isEmpty() ? u"no message"_s : errors)};
    }
    qCDebug(lcLibvirt).noquote() << "created overlay" << overlay << "backed by" << absoluteBase;
    return {};
}

} // namespace ym::latent::QemuImg
