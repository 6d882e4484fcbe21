#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace ym {

// A copy of one build's (or queued request's) state for whoever watches
// (GUI, ctl). Made on the engine thread; never a pointer into the engine.
struct BuildInfo
{
    enum class State
    {
        Queued, // a request waiting for a worker (id is 0)
        Running,
        Finished,
    };

    qint64 id = 0; // the build's id; 0 while queued
    qint64 requestId = 0;
    QString builder;
    int number = 0; // 0 while queued
    QString worker;
    State state = State::Queued;
    QString
        result; // success, warnings, failure, exception, retry, cancelled; empty while not finished
    QString reason;
    int retries = 0;
    QDateTime requested;
    QDateTime started;
    QDateTime finished;
    QString currentStep;
    // A queued request held up by a latent worker: "waiting for worker X to start".
    QString waitingFor;

    static QString stateName(State state);
    QJsonObject toJson() const;
};

} // namespace ym

Q_DECLARE_METATYPE(ym::BuildInfo)
