#include "config/ConfigLoader.h"

#include "config/BuilderLoader.h"
#include "config/ConfigKeys.h"
#include "config/ConfigValidation.h"
#include "config/LatentLoader.h"
#include "config/MailLoader.h"
#include "mail/MailAddress.h"
#include "secrets/SecretStore.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace ym {

namespace keys = configkeys;
using namespace configlimits;

namespace {

using namespace configdetail;

bool isEmailAddress(const QString& s)
{
    return MailAddress::parse(s, false).ok();
}

// Builds the config as it checks it.
class Validator : public Checker
{
public:
    const MasterConfig* m_config = nullptr; // for resolvePath (latent workers' paths)

    void parseRoot(const QJsonObject& root, MasterConfig& config)
    {
        m_config = &config;
        checkKeys(root, {}, keys::TopKeys);
        if (root.contains(keys::Master))
            parseMaster(root.value(keys::Master), QString(keys::Master), config.master);
        if (root.contains(keys::Workers))
            parseWorkers(root.value(keys::Workers), QString(keys::Workers), config.workers);
        if (root.contains(keys::Builders)) {
            // Names as written, even those with errors: a builder naming a worker
            // whose entry is broken gets no second error for it.
            QStringList workerNames;
            const QJsonValue workers = root.value(keys::Workers);
            for (const QJsonValue& w : workers.toArray()) {
                const QJsonValue name = w.toObject().value(keys::Name);
                if (name.isString() && !name.toString().isEmpty())
                    workerNames << name.toString();
            }
            parseBuilders(*this, root.value(keys::Builders), QString(keys::Builders), workerNames,
                          config.builders);
        }
        if (root.contains(keys::Mail)) {
            QStringList builderNames;
            for (const QJsonValue& b : root.value(keys::Builders).toArray()) {
                const QJsonValue name = b.toObject().value(keys::Name);
                if (name.isString())
                    builderNames << name.toString();
            }
            parseMail(*this, root.value(keys::Mail), QString(keys::Mail), builderNames,
                      config.mail);
        }
    }

    void parseMaster(const QJsonValue& value, const QString& path, MasterSettings& m)
    {
        if (!value.isObject()) {
            error(path, QStringLiteral("must be an object"));
            return;
        }
        const QJsonObject obj = value.toObject();
        checkKeys(obj, path, keys::MasterKeys);

        if (obj.contains(keys::Title)) {
            const QJsonValue v = obj.value(keys::Title);
            if (!v.isString() || v.toString().trimmed().isEmpty())
                error(child(path, keys::Title), QStringLiteral("must be a non-empty string"));
            else
                m.title = v.toString();
        }
        if (obj.contains(keys::Protocols))
            parseProtocols(obj.value(keys::Protocols), child(path, keys::Protocols), m.msgpack);

        const auto pathSetting = [&](QLatin1StringView key, QString& out) {
            if (!obj.contains(key))
                return;
            if (const auto s = string(obj.value(key), child(path, key),
                                      QStringLiteral("a path; \"\" for the default")))
                out = *s;
        };
        pathSetting(keys::Database, m.databasePath);
        pathSetting(keys::ControlSocket, m.controlSocket);
        pathSetting(keys::SecretsDir, m.secretsDir);
        pathSetting(keys::ArtifactsDir, m.artifactsDir);
        if (obj.contains(keys::Secrets)) {
            const QString v = obj.value(keys::Secrets).toString();
            if (v == u"keychain")
                m.secrets = SecretsBackend::Keychain;
            else if (v == u"directory")
                m.secrets = SecretsBackend::Directory;
            else if (v == u"auto")
                m.secrets = SecretsBackend::Auto;
            else
                error(child(path, keys::Secrets),
                      QStringLiteral("must be \"keychain\", \"directory\" or \"auto\""));
        }

        if (obj.contains(keys::PingInterval)) {
            if (const auto s =
                    seconds(obj.value(keys::PingInterval), child(path, keys::PingInterval), false))
                m.pingInterval = *s;
        }
        if (obj.contains(keys::PingTimeout)) {
            if (const auto s =
                    seconds(obj.value(keys::PingTimeout), child(path, keys::PingTimeout), false))
                m.pingTimeout = *s;
        }
        if (obj.contains(keys::IoThreads)) {
            const auto n = integer(
                obj.value(keys::IoThreads), child(path, keys::IoThreads), 0, MaxIoThreads,
                QStringLiteral("must be an integer from 0 (automatic) to %1").arg(MaxIoThreads));
            if (n)
                m.ioThreads = int(*n);
        }
    }

    void parseProtocols(const QJsonValue& value, const QString& path, MsgpackProtocolConfig& mp)
    {
        if (!value.isObject()) {
            error(path, QStringLiteral("must be an object"));
            return;
        }
        const QJsonObject obj = value.toObject();
        checkKeys(obj, path, keys::ProtocolKeys);
        if (!obj.contains(keys::Msgpack))
            return;
        const QString mpPath = child(path, keys::Msgpack);
        const QJsonValue mpValue = obj.value(keys::Msgpack);
        if (!mpValue.isObject()) {
            error(mpPath, QStringLiteral("must be an object"));
            return;
        }
        const QJsonObject mpObj = mpValue.toObject();
        checkKeys(mpObj, mpPath, keys::MsgpackKeys);
        if (mpObj.contains(keys::Enabled)) {
            const QJsonValue v = mpObj.value(keys::Enabled);
            if (!v.isBool())
                error(child(mpPath, keys::Enabled), QStringLiteral("must be true or false"));
            else
                mp.enabled = v.toBool();
        }
        if (mpObj.contains(keys::Port)) {
            const auto n = integer(mpObj.value(keys::Port), child(mpPath, keys::Port), 0, 65535,
                                   QStringLiteral("must be an integer from 0 to 65535 "
                                                  "(0: any free port)"));
            if (n)
                mp.port = quint16(*n);
        }
        if (mpObj.contains(keys::Bind)) {
            const QString bindPath = child(mpPath, keys::Bind);
            if (const auto s = string(mpObj.value(keys::Bind), bindPath,
                                      QStringLiteral("an IP address; \"\" for all interfaces"))) {
                if (!s->isEmpty() && QHostAddress(*s).isNull())
                    error(bindPath, QStringLiteral("'%1' is not an IP address (use \"\" for all "
                                                   "interfaces)")
                                        .arg(*s));
                else
                    mp.bind = *s;
            }
        }
    }

    void parseWorkers(const QJsonValue& value, const QString& path, QList<WorkerConfig>& out)
    {
        if (!value.isArray()) {
            error(path, QStringLiteral("must be a list of workers"));
            return;
        }
        const QJsonArray list = value.toArray();
        QHash<QString, qsizetype> firstIndex;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString wPath = indexed(path, i);
            WorkerConfig w;
            if (!parseWorker(list.at(i), wPath, w))
                continue;
            if (w.name.isEmpty())
                continue; // already reported
            const auto seen = firstIndex.constFind(w.name);
            if (seen != firstIndex.constEnd()) {
                error(child(wPath, keys::Name),
                      QStringLiteral("duplicate worker name '%1' (also %2)")
                          .arg(w.name, indexed(path, *seen)));
                continue;
            }
            firstIndex.insert(w.name, i);
            out << w;
        }
    }

    bool parseWorker(const QJsonValue& value, const QString& path, WorkerConfig& w)
    {
        if (!value.isObject()) {
            error(path, QStringLiteral("must be an object"));
            return false;
        }
        const QJsonObject obj = value.toObject();
        checkKeys(obj, path, keys::WorkerKeys);

        static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9._-]+$"));
        const QString namePath = child(path, keys::Name);
        if (!obj.contains(keys::Name)) {
            error(namePath, QStringLiteral("missing (every worker needs a name)"));
        } else if (const auto s = string(obj.value(keys::Name), namePath,
                                         QStringLiteral("the worker's name"))) {
            if (s->isEmpty())
                error(namePath, QStringLiteral("must not be empty"));
            else if (s->size() > MaxWorkerNameLength)
                error(namePath,
                      QStringLiteral("is longer than %1 characters").arg(MaxWorkerNameLength));
            else if (!nameRe.match(*s).hasMatch())
                error(namePath, QStringLiteral("'%1' may contain only letters, digits, '.', '_' "
                                               "and '-'")
                                    .arg(*s));
            else
                w.name = *s;
        }

        const QString pwPath = child(path, keys::Password);
        if (!obj.contains(keys::Password))
            error(pwPath, QStringLiteral("missing (every worker needs a password, e.g. "
                                         "{\"secret\": \"worker/NAME\"})"));
        else
            parsePassword(obj.value(keys::Password), pwPath, w);

        if (obj.contains(keys::Properties)) {
            const QJsonValue v = obj.value(keys::Properties);
            if (!v.isObject())
                error(child(path, keys::Properties), QStringLiteral("must be an object"));
            else
                w.properties = v.toObject();
        }
        if (obj.contains(keys::MaxBuilds)) {
            const QJsonValue v = obj.value(keys::MaxBuilds);
            if (v.isNull()) {
                w.maxBuilds = std::nullopt;
            } else {
                const auto n =
                    integer(v, child(path, keys::MaxBuilds), 1, std::numeric_limits<int>::max(),
                            QStringLiteral("must be a positive integer or null"));
                if (n)
                    w.maxBuilds = int(*n);
            }
        }
        if (obj.contains(keys::KeepaliveInterval)) {
            const QJsonValue v = obj.value(keys::KeepaliveInterval);
            if (v.isNull())
                w.keepaliveInterval = std::nullopt;
            else if (const auto s = seconds(v, child(path, keys::KeepaliveInterval), true))
                w.keepaliveInterval = *s;
        }
        if (obj.contains(keys::NotifyOnMissing))
            parseNotify(obj.value(keys::NotifyOnMissing), child(path, keys::NotifyOnMissing), w);
        if (obj.contains(keys::MissingTimeout)) {
            if (const auto s = seconds(obj.value(keys::MissingTimeout),
                                       child(path, keys::MissingTimeout), false))
                w.missingTimeout = *s;
        }
        parseLatent(*this, obj, path, *m_config, w);
        return true;
    }

    // Never puts a password's value into a message.
    void parsePassword(const QJsonValue& v, const QString& path, WorkerConfig& w)
    {
        static const QRegularExpression envRe(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (v.isString()) {
            if (v.toString().isEmpty()) {
                error(path, QStringLiteral("must not be empty"));
                return;
            }
            w.password = {SecretRef::Kind::Plain, v.toString()};
            const QString who = w.name.isEmpty() ? QStringLiteral("this worker") : w.name;
            warnings << path + QStringLiteral(": plain-text password for worker '%1'; prefer "
                                              "{\"secret\": \"worker/%1\"} or {\"env\": \"VAR\"}")
                                   .arg(who);
            return;
        }
        const QString expected = QStringLiteral(
            "must be {\"secret\": \"NAME\"}, {\"env\": \"VARIABLE\"} or a plain string");
        if (!v.isObject()) {
            error(path, expected);
            return;
        }
        const QJsonObject obj = v.toObject();
        checkKeys(obj, path, keys::PasswordKeys);
        const bool hasSecret = obj.contains(keys::Secret);
        const bool hasEnv = obj.contains(keys::Env);
        if (hasSecret == hasEnv) {
            error(path, hasSecret
                            ? QStringLiteral("must have either \"secret\" or \"env\", not both")
                            : expected);
            return;
        }
        if (hasSecret) {
            const QString sPath = child(path, keys::Secret);
            if (const auto s =
                    string(obj.value(keys::Secret), sPath, QStringLiteral("a secret name"))) {
                if (const auto valid = validateSecretName(*s); !valid)
                    error(sPath, valid.error().message);
                else
                    w.password = {SecretRef::Kind::Secret, *s};
            }
        } else {
            const QString ePath = child(path, keys::Env);
            if (const auto s = string(obj.value(keys::Env), ePath,
                                      QStringLiteral("an environment variable name"))) {
                if (!envRe.match(*s).hasMatch())
                    error(ePath, QStringLiteral("'%1' is not an environment variable name "
                                                "([A-Za-z_][A-Za-z0-9_]*)")
                                     .arg(*s));
                else
                    w.password = {SecretRef::Kind::Env, *s};
            }
        }
    }

    void parseNotify(const QJsonValue& v, const QString& path, WorkerConfig& w)
    {
        const auto address = [&](const QJsonValue& a, const QString& place) {
            if (!a.isString()) {
                error(place, QStringLiteral("must be an email address (a string)"));
            } else if (!isEmailAddress(a.toString())) {
                error(place, QStringLiteral("'%1' is not an email address (expected local@domain)")
                                 .arg(a.toString()));
            } else {
                w.notifyOnMissing << a.toString();
            }
        };
        if (v.isString()) {
            address(v, path);
        } else if (v.isArray()) {
            const QJsonArray list = v.toArray();
            for (qsizetype i = 0; i < list.size(); ++i)
                address(list.at(i), indexed(path, i));
        } else {
            error(path, QStringLiteral("must be an email address or a list of them"));
        }
    }
};

QString position(const QByteArray& json, int offset)
{
    offset = std::clamp(offset, 0, int(json.size()));
    const QByteArray before = json.left(offset);
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = QString::fromUtf8(before.mid(lineStart)).size() + 1;
    return QStringLiteral("%1:%2").arg(line).arg(column);
}

ConfigLoadResult failure(const QString& message)
{
    ConfigLoadResult r;
    r.errors << message;
    return r;
}

} // namespace

ConfigLoadResult parseConfig(const QByteArray& json, const QString& origin)
{
    if (json.trimmed().isEmpty())
        return failure(origin + QStringLiteral(": the file is empty (expected a JSON object)"));

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return failure(origin + u':' + position(json, parseError.offset) + QStringLiteral(": ") +
                       parseError.errorString());
    }
    if (!doc.isObject())
        return failure(origin + QStringLiteral(": the config must be a JSON object"));

    MasterConfig config;
    if (!origin.isEmpty())
        config.sourcePath = QFileInfo(origin).absoluteFilePath();

    Validator v;
    v.parseRoot(doc.object(), config);

    if (!config.master.controlSocket.isEmpty()) {
        const QByteArray socket = config.effectiveControlSocket().toUtf8();
        if (socket.size() > MaxSocketPathBytes)
            v.error(child(QString(keys::Master), keys::ControlSocket),
                    QStringLiteral("'%1' is %2 bytes long; a local socket path must be shorter "
                                   "than %3 bytes")
                        .arg(QString::fromUtf8(socket))
                        .arg(socket.size())
                        .arg(MaxSocketPathBytes + 1));
    }

    ConfigLoadResult result;
    result.errors = v.errors;
    result.warnings = v.warnings;
    if (result.errors.isEmpty())
        result.config = std::move(config);
    return result;
}

ConfigLoadResult loadConfigFile(const QString& path)
{
    QFile file(path);
    if (QFileInfo(path).isDir())
        return failure(path + QStringLiteral(": is a folder, not a config file"));
    if (!file.open(QIODevice::ReadOnly))
        return failure(
            path + QStringLiteral(": cannot read the config file (%1)").arg(file.errorString()));
    return parseConfig(file.readAll(), path);
}

} // namespace ym
