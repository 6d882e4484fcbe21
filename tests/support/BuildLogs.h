#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

// Test helpers for the answer of `ctl log BUILD --json`.
namespace ymtest {

// "step/stream" -> the whole text of that log.
inline QHash<QString, QString> logTexts(const QJsonObject& answer)
{
    QHash<QString, QString> out;
    const QJsonArray chunks = answer.value(QStringLiteral("chunks")).toArray();
    for (const QJsonValue& v : chunks) {
        const QJsonObject c = v.toObject();
        out[c.value(QStringLiteral("step")).toString() + u'/' +
            c.value(QStringLiteral("stream")).toString()] +=
            c.value(QStringLiteral("text")).toString();
    }
    return out;
}

// The result of the step named `step`, or an empty string.
inline QString stepResult(const QJsonObject& logAnswer, const QString& step)
{
    const QJsonArray steps = logAnswer.value(QStringLiteral("steps")).toArray();
    for (const QJsonValue& v : steps)
        if (v.toObject().value(QStringLiteral("name")).toString() == step)
            return v.toObject().value(QStringLiteral("result")).toString();
    return {};
}

} // namespace ymtest
