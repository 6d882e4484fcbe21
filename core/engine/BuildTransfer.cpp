// Upload and download steps of a Build (see PROTOCOL-msgpack.md, "File transfers").
#include "engine/BuildTransfer.h"
#include "engine/Build.h"
#include "engine/Link.h"

#include <QDir>
#include <QFileInfo>

namespace ym {

namespace {

bool isAbsoluteWorkerPath(const QString& path)
{
    if (path.startsWith(u'/') || path.startsWith(u'\\'))
        return true;
    return path.size() >= 2 && path[1] == u':' && path[0].isLetter();
}

QVariant optionalValue(const auto& v)
{
    return v ? QVariant::fromValue(*v) : QVariant();
}

// Unix permission bits as Qt's permission flags.
QFileDevice::Permissions permissionsFromMode(int mode)
{
    const int owner = (mode >> 6) & 7;
    const int group = (mode >> 3) & 7;
    const int other = mode & 7;
    return QFileDevice::Permissions((owner << 12) | (owner << 8) | (group << 4) | other);
}

QDateTime timeFromSeconds(const QVariant& v)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(v.toDouble() * 1000.0), Qt::UTC);
}

} // namespace

QString Build::workerFilePath(const StepConfig& step, const QString& path)
{
    if (isAbsoluteWorkerPath(path))
        return path;
    QString relative = m_builder.effectiveBuilddir();
    if (step.workdir != u".")
        relative += u'/' + step.workdir;
    return m_host.workerPath(m_worker, relative + u'/' + path);
}

void Build::startUpload(const StepConfig& step, const UploadStep& upload)
{
    const QString root = QDir::cleanPath(m_host.artifactsDir());
    const QString dest = QDir::cleanPath(root + u'/' + upload.masterDest);
    if (upload.masterDest.isEmpty() || QDir::isAbsolutePath(upload.masterDest) ||
        !dest.startsWith(root + u'/')) {
        const QString why = QStringLiteral("upload destination '%1' is not a path inside the "
                                           "artifact directory %2")
                                .arg(upload.masterDest, root);
        header(why);
        endStep(QStringLiteral("failure"), why);
        return;
    }
    Link* link = linkOrLost();
    if (!link)
        return;
    auto nt = std::make_unique<Transfer>();
    nt->workerPath = workerFilePath(step, upload.workerSrc);
    nt->masterPath = dest;
    nt->maxsize = upload.maxsize;
    nt->mode = upload.mode;
    const QString folder = QFileInfo(dest).absolutePath();
    nt->sink = std::make_unique<QSaveFile>(dest);
    if (!QDir().mkpath(folder) || !nt->sink->open(QIODevice::WriteOnly)) {
        const QString why =
            QStringLiteral("upload: cannot write %1: %2").arg(dest, nt->sink->errorString());
        header(why);
        endStep(QStringLiteral("failure"), why);
        return;
    }
    header(
        QStringLiteral("uploading %1 from worker '%2' to %3").arg(nt->workerPath, m_worker, dest));
    const QVariantMap args{
        {QStringLiteral("path"), nt->workerPath},
        {QStringLiteral("blocksize"), upload.blocksize},
        {QStringLiteral("maxsize"), optionalValue(upload.maxsize)},
        {QStringLiteral("keepstamp"), upload.keepstamp},
    };
    m_transfer = std::move(nt);
    m_commandId = link->startStreamingCommand(
        QStringLiteral("upload_file"), m_builder.name, args,
        [this](const QString& key, const QVariant& value) { onUpdate(key, value); },
        [this](const Link::CommandOutcome& outcome) {
            commandEnded(outcome, [this](int rc) {
                Transfer& t = *m_transfer;
                QString why;
                if (t.overflow || (rc != 0 && t.maxsize && t.bytes >= *t.maxsize))
                    why = QStringLiteral("upload exceeds maxsize (%1 bytes)").arg(*t.maxsize);
                else if (!t.error.isEmpty())
                    why = t.error;
                else if (rc != 0)
                    why = QStringLiteral("upload of %1 failed (exit code %2)")
                              .arg(t.workerPath)
                              .arg(rc);
                else if (!t.closed)
                    why = QStringLiteral("upload of %1: the worker never closed the file")
                              .arg(t.workerPath);
                else if (!t.sink->commit())
                    why = QStringLiteral("upload: cannot store %1: %2")
                              .arg(t.masterPath, t.sink->errorString());
                if (!why.isEmpty()) {
                    header(why + u'\n');
                    endStep(QStringLiteral("failure"), why);
                    return;
                }
                QFile stored(t.masterPath);
                if (t.modifiedTime && stored.open(QIODevice::ReadWrite)) {
                    stored.setFileTime(*t.accessTime, QFileDevice::FileAccessTime);
                    stored.setFileTime(*t.modifiedTime, QFileDevice::FileModificationTime);
                    stored.close();
                }
                if (t.mode)
                    stored.setPermissions(permissionsFromMode(*t.mode));
                header(QStringLiteral("uploaded %1 bytes from %2 to %3\n")
                           .arg(t.bytes)
                           .arg(t.workerPath, t.masterPath));
                endStep(QStringLiteral("success"), QStringLiteral("%1 bytes").arg(t.bytes));
            });
        },
        [this](const QString& op, const QVariantMap& message) {
            return onUploadRequest(op, message);
        });
}

Result<QVariant> Build::onUploadRequest(const QString& op, const QVariantMap& message)
{
    if (!m_transfer || !m_transfer->sink)
        return Error{QStringLiteral("no upload is running")};
    Transfer& t = *m_transfer;
    if (op == u"update_upload_file_write") {
        const QByteArray data = message.value(QStringLiteral("args")).toByteArray();
        if (t.maxsize && t.bytes + data.size() > *t.maxsize) {
            t.overflow = true;
            t.sink->cancelWriting();
            return Error{QStringLiteral("upload exceeds maxsize (%1 bytes)").arg(*t.maxsize)};
        }
        if (!t.error.isEmpty())
            return Error{t.error};
        if (t.sink->write(data) != data.size()) {
            t.error = QStringLiteral("upload: cannot write %1: %2")
                          .arg(t.masterPath, t.sink->errorString());
            t.sink->cancelWriting();
            return Error{t.error};
        }
        t.bytes += data.size();
        return QVariant();
    }
    if (op == u"update_upload_file_close") {
        t.closed = true;
        return QVariant();
    }
    if (op == u"update_upload_file_utime") {
        t.accessTime = timeFromSeconds(message.value(QStringLiteral("access_time")));
        t.modifiedTime = timeFromSeconds(message.value(QStringLiteral("modified_time")));
        return QVariant();
    }
    return Error{QStringLiteral("'%1' is not part of an upload").arg(op)};
}

void Build::startDownload(const StepConfig& step, const DownloadStep& download)
{
    auto nt = std::make_unique<Transfer>();
    nt->masterPath = m_host.masterPath(download.masterSrc);
    nt->maxsize = download.maxsize;
    nt->source = std::make_unique<QFile>(nt->masterPath);
    if (download.masterSrc.isEmpty() || !QFileInfo(nt->masterPath).isFile() ||
        !nt->source->open(QIODevice::ReadOnly)) {
        const QString why =
            QStringLiteral("download: cannot read %1: %2")
                .arg(nt->masterPath.isEmpty() ? download.masterSrc : nt->masterPath,
                     QFileInfo(nt->masterPath).isFile() ? nt->source->errorString()
                                                        : QStringLiteral("no such file"));
        header(why + u'\n');
        endStep(QStringLiteral("failure"), why);
        return;
    }
    Link* link = linkOrLost();
    if (!link)
        return;
    nt->workerPath = workerFilePath(step, download.workerDest);
    header(QStringLiteral("downloading %1 (%2 bytes) to %3 on worker '%4'\n")
               .arg(nt->masterPath)
               .arg(nt->source->size())
               .arg(nt->workerPath, m_worker));
    const QVariantMap args{
        {QStringLiteral("path"), nt->workerPath},
        {QStringLiteral("blocksize"), download.blocksize},
        {QStringLiteral("maxsize"), optionalValue(download.maxsize)},
        {QStringLiteral("mode"), optionalValue(download.mode)},
    };
    m_transfer = std::move(nt);
    m_commandId = link->startStreamingCommand(
        QStringLiteral("download_file"), m_builder.name, args,
        [this](const QString& key, const QVariant& value) { onUpdate(key, value); },
        [this](const Link::CommandOutcome& outcome) {
            commandEnded(outcome, [this](int rc) {
                const Transfer& t = *m_transfer;
                QString why;
                if (rc != 0 && t.maxsize && t.bytes >= *t.maxsize)
                    why = QStringLiteral("download exceeds maxsize (%1 bytes)").arg(*t.maxsize);
                else if (rc != 0)
                    why = QStringLiteral("download to %1 failed (exit code %2)")
                              .arg(t.workerPath)
                              .arg(rc);
                if (!why.isEmpty()) {
                    header(why + u'\n');
                    endStep(QStringLiteral("failure"), why);
                    return;
                }
                header(QStringLiteral("downloaded %1 bytes from %2 to %3\n")
                           .arg(t.bytes)
                           .arg(t.masterPath, t.workerPath));
                endStep(QStringLiteral("success"), QStringLiteral("%1 bytes").arg(t.bytes));
            });
        },
        [this](const QString& op, const QVariantMap& message) {
            return onDownloadRequest(op, message);
        });
}

Result<QVariant> Build::onDownloadRequest(const QString& op, const QVariantMap& message)
{
    if (!m_transfer || !m_transfer->source)
        return Error{QStringLiteral("no download is running")};
    Transfer& t = *m_transfer;
    if (op == u"update_read_file") {
        constexpr qint64 MaxChunk = 16 * 1024 * 1024;
        const qint64 length =
            qBound<qint64>(0, message.value(QStringLiteral("length")).toLongLong(), MaxChunk);
        if (!t.source->isOpen())
            return QVariant(QByteArray(""));
        QByteArray data = t.source->read(length);
        if (data.isNull())
            data = QByteArray("");
        t.bytes += data.size();
        return QVariant(data);
    }
    if (op == u"update_read_file_close") {
        t.source->close();
        return QVariant();
    }
    return Error{QStringLiteral("'%1' is not part of a download").arg(op)};
}

} // namespace ym
