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
        m_entries.append({key, rendered});
        return *this;
    }
    QByteArray render(int level) const
    {
        if (m_entries.isEmpty())
            return QByteArrayLiteral("{}");
        QByteArray out = "{\n";
        for (qsizetype i = 0; i < m_entries.size(); ++i) {
            out += indent(level + 1) + scalar(QString(m_entries[i].first)) + ": " +
                   m_entries[i].second;
            out += i + 1 < m_entries.size() ? ",\n" : "\n";
        }
        return out + indent(level) + '}';
    }

private:
    QList<std::pair<QLatin1StringView, QByteArray>> m_entries;
};

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

QByteArray worker(const WorkerConfig& w, int level)
{
    return Obj()
        .add(keys::Name, scalar(w.name))
        .add(keys::Password, password(w.password))
        .add(keys::Properties, freeObject(w.properties, level + 1))
        .add(keys::MaxBuilds, optionalInt(w.maxBuilds))
        .add(keys::KeepaliveInterval, optionalInt(w.keepaliveInterval))
        .add(keys::NotifyOnMissing, addressList(w.notifyOnMissing))
        .add(keys::MissingTimeout, QByteArray::number(w.missingTimeout))
        .render(level);
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

} // namespace

QByteArray serializeConfig(const MasterConfig& config)
{
    const MasterSettings& m = config.master;
    const QByteArray msgpack = Obj()
                                   .add(keys::Enabled, m.msgpack.enabled ? "true" : "false")
                                   .add(keys::Port, QByteArray::number(m.msgpack.port))
                                   .add(keys::Bind, scalar(m.msgpack.bind))
                                   .render(3);
    const QByteArray master = Obj()
                                  .add(keys::Title, scalar(m.title))
                                  .add(keys::Protocols, Obj().add(keys::Msgpack, msgpack).render(2))
                                  .add(keys::Database, scalar(m.databasePath))
                                  .add(keys::ControlSocket, scalar(m.controlSocket))
                                  .add(keys::SecretsDir, scalar(m.secretsDir))
                                  .add(keys::PingInterval, QByteArray::number(m.pingInterval))
                                  .add(keys::PingTimeout, QByteArray::number(m.pingTimeout))
                                  .add(keys::IoThreads, QByteArray::number(m.ioThreads))
                                  .render(1);
    QByteArray workers = "[";
    for (qsizetype i = 0; i < config.workers.size(); ++i) {
        workers += (i ? ",\n" : "\n") + indent(2) + worker(config.workers[i], 2);
    }
    workers += config.workers.isEmpty() ? "]" : "\n" + indent(1) + ']';

    return Obj().add(keys::Master, master).add(keys::Workers, workers).render(0) + '\n';
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
