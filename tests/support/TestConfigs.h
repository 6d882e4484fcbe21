#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <QStringList>

// Small builders for master configs in integration tests.
namespace ymtest {

// {"secret": "worker/NAME"}: the password MasterProcess::writeSecret stores.
inline QJsonObject secretRef(const QString& workerName)
{
    return QJsonObject{{QStringLiteral("secret"), QStringLiteral("worker/") + workerName}};
}

// One entry of "workers"; `extra` adds or overrides keys (e.g. keepalive_interval).
inline QJsonObject workerEntry(const QString& name, const QJsonObject& extra = {})
{
    QJsonObject w{{QStringLiteral("name"), name}, {QStringLiteral("password"), secretRef(name)}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        w.insert(it.key(), it.value());
    return w;
}

// A master config with these workers; `master` adds keys to the "master" object.
inline QJsonObject masterConfig(const QJsonArray& workers, const QJsonObject& master = {})
{
    QJsonObject m{{QStringLiteral("title"), QStringLiteral("Yardmaster test")}};
    for (auto it = master.begin(); it != master.end(); ++it)
        m.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("master"), m}, {QStringLiteral("workers"), workers}};
}

// The lines of `log` that contain every one of `parts`.
inline QStringList linesWith(const QString& log, const QStringList& parts)
{
    QStringList out;
    const QStringList lines = log.split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        bool all = true;
        for (const QString& p : parts)
            all = all && line.contains(p);
        if (all)
            out.append(line);
    }
    return out;
}

} // namespace ymtest
