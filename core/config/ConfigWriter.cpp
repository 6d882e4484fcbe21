#include "config/ConfigWriter.h"

#include "config/ConfigKeys.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ym {

namespace keys = configkeys;

namespace {

constexpr int IndentWidth = 4;

// A scalar as JSON text, escaped by Qt.
QByteArray scalar(const QJsonValue& v)
{
    const QByteArray text = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2);
}

QByteArray optionalInt(const std::optional<int>& v)
{
    return v ? QByteArray::number(*v) : QByteArrayLiteral("null");
}

QByteArray indent(int level)
{
    return QByteArray(level * IndentWidth, ' ');
}

// Any JSON object (properties) indented to sit at `level`.
QByteArray freeObject(const QJsonObject& obj, int level)
{
    if (obj.isEmpty())
        return QByteArrayLiteral("{}");
    QByteArray text = QJsonDocument(obj).toJson(QJsonDocument::Indented).trimmed();
    return text.replace('\n', QByteArray("\n") + indent(level));
}

// An object whose keys keep the order they were added in.
class Obj
{
public:
    Obj& add(QLatin1StringView key, const QByteArray& rendered)
    {
        return add(QString(key), rendered);
    }
    Obj& add(const QString& key, const QByteArray& rendered)
    {
        m_entries.append({key, rendered});
        return *this;
    }
    QByteArray render(int level) const
    {
        if (m_entries.isEmpty())
            return QByteArrayLiteral("{}");
        QByteArray out = "{\n";
        for (qsizetype i = 0; i < m_entries.size(); ++i) {
            out += indent(level + 1) + scalar(m_entries[i].first) + ": " + m_entries[i].second;
            out += i + 1 < m_entries.size() ? ",\n" : "\n";
        }
        return out + indent(level) + '}';
    }

private:
    QList<std::pair<QString, QByteArray>> m_entries;
};

// A list of rendered items, one per line, indented to sit at `level`.
QByteArray lines(const QList<QByteArray>& items, int level)
{
    if (items.isEmpty())
        return QByteArrayLiteral("[]");
    QByteArray out = "[";
    for (qsizetype i = 0; i < items.size(); ++i)
        out += (i ? ",\n" : "\n") + indent(level + 1) + items[i];
    return out + '\n' + indent(level) + ']';
}

QByteArray password(const SecretRef& ref)
{
    switch (ref.kind) {
    case SecretRef::Kind::Secret:
        return "{" + scalar(QString(keys::Secret)) + ": " + scalar(ref.value) + "}";
    case SecretRef::Kind::Env:
        return "{" + scalar(QString(keys::Env)) + ": " + scalar(ref.value) + "}";
    case SecretRef::Kind::Plain:
        break;
    }
    return scalar(ref.value);
}

QByteArray addressList(const QStringList& list)
{
    QByteArray out = "[";
    for (qsizetype i = 0; i < list.size(); ++i)
        out += (i ? ", " : "") + scalar(list[i]);
    return out + ']';
}

QByteArray boolean(bool b)
{
    return b ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
}

QByteArray optionalInt64(const std::optional<qint64>& v)
{
    return v ? QByteArray::number(*v) : QByteArrayLiteral("null");
}

QByteArray mode(const std::optional<int>& m)
{
    return m ? scalar(QStringLiteral("%1").arg(*m, 4, 8, QChar(u'0'))) : QByteArrayLiteral("null");
}

QByteArray env(const QMap<QString, EnvValue>& vars, int level)
{
    Obj obj;
    for (auto it = vars.begin(); it != vars.end(); ++it) {
        switch (it->kind) {
        case EnvValue::Kind::Unset:
            obj.add(it.key(), "null");
            break;
        case EnvValue::Kind::Value:
            obj.add(it.key(), scalar(it->parts.value(0)));
            break;
        case EnvValue::Kind::PathList:
            obj.add(it.key(), addressList(it->parts));
            break;
        }
    }
    return obj.render(level);
}

QByteArray shellStep(Obj& obj, const StepConfig& step, const ShellStep& sh, int level)
{
    Obj decode;
    for (auto it = sh.decodeRc.begin(); it != sh.decodeRc.end(); ++it)
        decode.add(QString::number(it.key()), scalar(QString(stepResultName(*it))));
    Obj logs;
    for (auto it = sh.logfiles.begin(); it != sh.logfiles.end(); ++it)
        logs.add(it.key(), scalar(*it));
    const auto* argv = std::get_if<QStringList>(&sh.command);
    return obj.add(keys::Command, argv ? addressList(*argv) : scalar(std::get<QString>(sh.command)))
        .add(keys::Workdir, scalar(step.workdir))
        .add(keys::Env, env(sh.env, level + 1))
        .add(keys::Timeout, optionalInt(sh.timeout))
        .add(keys::MaxTime, optionalInt(sh.maxTime))
        .add(keys::WantStdout, boolean(sh.wantStdout))
        .add(keys::WantStderr, boolean(sh.wantStderr))
        .add(keys::HaltOnFailure, boolean(step.haltOnFailure))
        .add(keys::DecodeRc, decode.render(level + 1))
        .add(keys::InterruptSignal, sh.interruptSignal == ShellStep::Signal::Term
                                        ? scalar(QStringLiteral("TERM"))
                                        : scalar(QStringLiteral("KILL")))
        .add(keys::SigtermTime, optionalInt(sh.sigtermTime))
        .add(keys::UsePty, boolean(sh.usePty))
        .add(keys::LogEnviron, boolean(sh.logEnviron))
        .add(keys::InitialStdin, sh.initialStdin ? scalar(*sh.initialStdin) : "null")
        .add(keys::Logfiles, logs.render(level + 1))
        .render(level);
}

QByteArray step(const StepConfig& s, int level)
{
    Obj obj;
    obj.add(keys::Type, scalar(QString(stepTypeName(s.type())))).add(keys::Name, scalar(s.name));
    if (const ShellStep* sh = s.shell())
        return shellStep(obj, s, *sh, level);
    if (const UploadStep* up = s.upload()) {
        return obj.add(keys::Workdir, scalar(s.workdir))
            .add(keys::WorkerSrc, scalar(up->workerSrc))
            .add(keys::MasterDest, scalar(up->masterDest))
            .add(keys::Maxsize, optionalInt64(up->maxsize))
            .add(keys::Blocksize, QByteArray::number(up->blocksize))
            .add(keys::Mode, mode(up->mode))
            .add(keys::Keepstamp, boolean(up->keepstamp))
            .add(keys::HaltOnFailure, boolean(s.haltOnFailure))
            .render(level);
    }
    const DownloadStep& down = *s.download();
    return obj.add(keys::Workdir, scalar(s.workdir))
        .add(keys::MasterSrc, scalar(down.masterSrc))
        .add(keys::WorkerDest, scalar(down.workerDest))
        .add(keys::Maxsize, optionalInt64(down.maxsize))
        .add(keys::Blocksize, QByteArray::number(down.blocksize))
        .add(keys::Mode, mode(down.mode))
        .add(keys::HaltOnFailure, boolean(s.haltOnFailure))
        .render(level);
}

QByteArray builder(const BuilderConfig& b, int level)
{
    QList<QByteArray> steps;
    for (const StepConfig& s : b.steps)
        steps << step(s, level + 2);
    return Obj()
        .add(keys::Name, scalar(b.name))
        .add(keys::Workernames, addressList(b.workernames))
        .add(keys::Builddir, scalar(b.effectiveBuilddir()))
        .add(keys::Properties, freeObject(b.properties, level + 1))
        .add(keys::Steps, lines(steps, level + 1))
        .render(level);
}

// A latent worker's keys (a standard worker has none: "type" defaults to standard).
void latent(Obj& obj, const LatentConfig& l, int level)
{
    if (!l.isLatent())
        return;
    Obj lv;
    lv.add(keys::Connection, scalar(l.libvirt.connection));
    if (!l.libvirt.hdImage.isEmpty())
        lv.add(keys::HdImage, scalar(l.libvirt.hdImage));
    if (!l.libvirt.baseImage.isEmpty())
        lv.add(keys::BaseImage, scalar(l.libvirt.baseImage));
    if (!l.libvirt.xmlFile.isEmpty())
        lv.add(keys::XmlFile, scalar(l.libvirt.xmlFile));
    else if (!l.libvirt.xml.isEmpty())
        lv.add(keys::Xml, scalar(l.libvirt.xml));
    obj.add(keys::Type, scalar(LatentConfig::driverName(l.driver)))
        .add(keys::BuildWaitTimeout, QByteArray::number(l.buildWaitTimeout))
        .add(keys::Libvirt, lv.render(level + 1));
}

QByteArray worker(const WorkerConfig& w, int level)
{
    Obj obj;
    obj.add(keys::Name, scalar(w.name))
        .add(keys::Password, password(w.password))
        .add(keys::Properties, freeObject(w.properties, level + 1))
        .add(keys::MaxBuilds, optionalInt(w.maxBuilds))
        .add(keys::KeepaliveInterval, optionalInt(w.keepaliveInterval))
        .add(keys::NotifyOnMissing, addressList(w.notifyOnMissing))
        .add(keys::MissingTimeout, QByteArray::number(w.missingTimeout));
    latent(obj, w.latent, level);
    return obj.render(level);
}

bool makeOwnerOnlyPath(const QString& dir)
{
    QStringList missing;
    for (QFileInfo fi(dir); !fi.exists(); fi = QFileInfo(fi.absolutePath())) {
        missing.prepend(fi.absoluteFilePath());
        if (fi.isRoot())
            break;
    }
    for (const QString& p : std::as_const(missing)) {
        if (!QDir().mkdir(p, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            return false;
    }
    return QFileInfo(dir).isDir();
}

QByteArray mail(const MailConfig& m)
{
    return Obj()
        .add(keys::Fromaddr, scalar(m.fromaddr))
        .add(keys::Relayhost, scalar(m.relayhost))
        .add(keys::Port, QByteArray::number(m.port))
        .add(keys::Tls, scalar(MailConfig::tlsName(m.tls)))
        .add(keys::Username, scalar(m.username))
        .add(keys::Password, m.password ? password(*m.password) : QByteArrayLiteral("null"))
        .add(keys::CaFile, scalar(m.caFile))
        .add(keys::Builders, addressList(m.builders))
        .render(1);
}

} // namespace

QByteArray serializeConfig(const MasterConfig& config)
{
    const MasterSettings& m = config.master;
    const QByteArray msgpack = Obj()
                                   .add(keys::Enabled, m.msgpack.enabled ? "true" : "false")
                                   .add(keys::Port, QByteArray::number(m.msgpack.port))
                                   .add(keys::Bind, scalar(m.msgpack.bind))
                                   .render(3);
    const QByteArray secretsBackend = scalar(MasterConfig::secretsBackendName(m.secrets));
    const QByteArray master = Obj()
                                  .add(keys::Title, scalar(m.title))
                                  .add(keys::Protocols, Obj().add(keys::Msgpack, msgpack).render(2))
                                  .add(keys::Database, scalar(m.databasePath))
                                  .add(keys::ControlSocket, scalar(m.controlSocket))
                                  .add(keys::SecretsDir, scalar(m.secretsDir))
                                  .add(keys::ArtifactsDir, scalar(m.artifactsDir))
                                  .add(keys::PingInterval, QByteArray::number(m.pingInterval))
                                  .add(keys::PingTimeout, QByteArray::number(m.pingTimeout))
                                  .add(keys::IoThreads, QByteArray::number(m.ioThreads))
                                  .add(keys::Secrets, secretsBackend)
                                  .render(1);
    QList<QByteArray> workers;
    for (const WorkerConfig& w : config.workers)
        workers << worker(w, 2);
    QList<QByteArray> builders;
    for (const BuilderConfig& b : config.builders)
        builders << builder(b, 2);

    return Obj()
               .add(keys::Master, master)
               .add(keys::Workers, lines(workers, 1))
               .add(keys::Builders, lines(builders, 1))
               .add(keys::Mail, mail(config.mail))
               .render(0) +
           '\n';
}

Result<void> saveConfigFile(const MasterConfig& config, const QString& path)
{
    const QFileInfo target(path);
    if (target.isDir())
        return Error{path + QStringLiteral(": cannot save the config: this is a folder")};
    const QString dir = target.absolutePath();
    if (!makeOwnerOnlyPath(dir))
        return Error{path + QStringLiteral(": cannot create the folder %1").arg(dir)};

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{path +
                     QStringLiteral(": cannot save the config (%1)").arg(file.errorString())};
    // Owner-only before the file takes its name: the config may name secrets.
    if (!file.setPermissions(QFile::ReadOwner | QFile::WriteOwner)) {
        file.cancelWriting();
        return Error{
            path +
            QStringLiteral(": cannot make the config owner-only (%1)").arg(file.errorString())};
    }
    const QByteArray text = serializeConfig(config);
    // Qt 6.4 takes a short write (disk full, file size limit) for success, so
    // the size is checked before the file may replace the old one.
    if (file.write(text) != text.size() || !file.flush() || file.size() != text.size()) {
        const qint64 written = file.size();
        file.cancelWriting();
        return Error{path + QStringLiteral(": cannot save the config (only %1 of %2 bytes "
                                           "written; is the disk full?)")
                                .arg(written)
                                .arg(text.size())};
    }
    if (!file.commit()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return Error{path + QStringLiteral(": cannot save the config (%1)").arg(reason)};
    }
    return {};
}

MasterConfig defaultConfig()
{
    return MasterConfig{};
}

} // namespace ym
