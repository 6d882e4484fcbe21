#pragma once

#include "engine/WorkerState.h"

#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace ym {

// "Start instance" and "Stop instance…" for latent workers. The requests go
// to `engine` (the Master, or any QObject with the same slots) as queued
// calls by name:
//     startLatentWorker(QString name)
//     stopLatentWorker(QString name, bool force)
// Stopping a worker with running builds asks first (they are interrupted),
// then stops with force; without running builds it stops at once, without
// force. Refusals come back from the engine as workerActionFailed.
class LatentActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatentActions)

public:
    // `dialogParent` parents the confirmation.
    LatentActions(QObject* engine, QWidget* dialogParent);

    QAction* startAction() const { return m_start; }
    QAction* stopAction() const { return m_stop; }
    // The worker the actions apply to (nullptr or a standard worker: both
    // disabled). A copy is kept.
    void setWorker(const WorkerState* worker);
    const WorkerState& worker() const { return m_worker; }

private:
    void start();
    void stop();
    void sendStop(const QString& name, bool force);

    QPointer<QObject> m_engine;
    QWidget* m_dialogParent;
    WorkerState m_worker;
    QAction* m_start;
    QAction* m_stop;
};

} // namespace ym
