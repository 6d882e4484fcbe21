#include "workers/LatentActions.h"

#include "latent/LatentText.h"

#include <QAbstractButton>
#include <QAction>
#include <QMessageBox>
#include <QWidget>

namespace ym {

LatentActions::LatentActions(QObject* engine, QWidget* dialogParent)
    : QObject(dialogParent), m_engine(engine), m_dialogParent(dialogParent),
      m_start(new QAction(tr("S&tart instance"), this)),
      m_stop(new QAction(tr("St&op instance…"), this))
{
    m_start->setObjectName(QStringLiteral("startInstance"));
    m_start->setToolTip(tr("Start the latent worker's instance now (it stops again when idle)"));
    m_stop->setObjectName(QStringLiteral("stopInstance"));
    m_stop->setToolTip(tr("Stop the latent worker's instance"));
    connect(m_start, &QAction::triggered, this, &LatentActions::start);
    connect(m_stop, &QAction::triggered, this, &LatentActions::stop);
    setWorker(nullptr);
}

void LatentActions::setWorker(const WorkerState* worker)
{
    m_worker = worker ? *worker : WorkerState();
    m_start->setVisible(m_worker.latent.has_value());
    m_stop->setVisible(m_worker.latent.has_value());
    m_start->setEnabled(latent::canStartInstance(m_worker));
    m_stop->setEnabled(latent::canStopInstance(m_worker));
}

void LatentActions::start()
{
    if (!latent::canStartInstance(m_worker) || !m_engine)
        return;
    QMetaObject::invokeMethod(m_engine, "startLatentWorker", Qt::QueuedConnection,
                              Q_ARG(QString, m_worker.name));
}

void LatentActions::stop()
{
    if (!latent::canStopInstance(m_worker))
        return;
    const QString name = m_worker.name;
    const int builds = m_worker.runningBuilds;
    if (builds <= 0) {
        sendStop(name, false);
        return;
    }
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Stop instance"),
        tr("Stop the instance of %1 now? %n running build(s) will be interrupted and "
           "run again later.",
           nullptr, builds)
            .arg(name),
        QMessageBox::Yes | QMessageBox::Cancel, m_dialogParent);
    box->setObjectName(QStringLiteral("confirmStopInstance"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Stop instance"));
    connect(box, &QMessageBox::finished, this, [this, box, name](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            sendStop(name, true);
    });
    box->open();
}

void LatentActions::sendStop(const QString& name, bool force)
{
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, "stopLatentWorker", Qt::QueuedConnection,
                                  Q_ARG(QString, name), Q_ARG(bool, force));
}

} // namespace ym
