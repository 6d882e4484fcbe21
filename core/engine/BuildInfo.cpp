#include "engine/BuildInfo.h"

namespace ym {

QString BuildInfo::stateName(State state)
{
    switch (state) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Running:
        return QStringLiteral("running");
    case State::Finished:
        break;
    }
    return QStringLiteral("finished");
}

QJsonObject BuildInfo::toJson() const
{
    auto time = [](const QDateTime& t) {
        return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
    };
    auto ms = [](const QDateTime& t) {
        return t.isValid() ? QJsonValue(double(t.toMSecsSinceEpoch())) : QJsonValue();
    };
    return QJsonObject{
        {QStringLiteral("id"), double(id)},
        {QStringLiteral("request"), double(requestId)},
        {QStringLiteral("builder"), builder},
        {QStringLiteral("number"), number},
        {QStringLiteral("worker"), worker.isEmpty() ? QJsonValue() : QJsonValue(worker)},
        {QStringLiteral("state"), stateName(state)},
        {QStringLiteral("result"), result.isEmpty() ? QJsonValue() : QJsonValue(result)},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("retries"), retries},
        {QStringLiteral("requested"), time(requested)},
        {QStringLiteral("started"), time(started)},
        {QStringLiteral("finished"), time(finished)},
        {QStringLiteral("requested_ms"), ms(requested)},
        {QStringLiteral("started_ms"), ms(started)},
        {QStringLiteral("finished_ms"), ms(finished)},
        {QStringLiteral("current_step"),
         currentStep.isEmpty() ? QJsonValue() : QJsonValue(currentStep)},
        {QStringLiteral("waiting_for"),
         waitingFor.isEmpty() ? QJsonValue() : QJsonValue(waitingFor)},
    };
}

} // namespace ym
