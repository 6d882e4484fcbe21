#include "latent/LatentText.h"

#include "RelativeTime.h"

#include <QCoreApplication>

namespace ym::latent {

namespace {
// The translation context "ym::LatentText".
class LatentText
{
    Q_DECLARE_TR_FUNCTIONS(ym::LatentText)
};

using Phase = LatentState::Phase;
} // namespace

QString phaseText(Phase phase)
{
    switch (phase) {
    case Phase::Stopped:
        return LatentText::tr("stopped");
    case Phase::Starting:
        return LatentText::tr("starting");
    case Phase::WaitingForAttach:
        return LatentText::tr("waiting for attach");
    case Phase::Attached:
        return LatentText::tr("attached");
    case Phase::Stopping:
        return LatentText::tr("stopping");
    case Phase::StartFailed:
        return LatentText::tr("start failed");
    case Phase::AttachTimedOut:
        return LatentText::tr("attach timed out");
    case Phase::StopFailed:
        return LatentText::tr("stop failed");
    }
    return LatentText::tr("stopped");
}

QString elapsedText(qint64 seconds)
{
    seconds = qMax<qint64>(0, seconds);
    if (seconds < 60)
        return LatentText::tr("%n s", "", int(seconds));
    if (seconds < 3600)
        return LatentText::tr("%n min", "", int(seconds / 60));
    if (seconds < 86400)
        return LatentText::tr("%n h", "", int(seconds / 3600));
    return LatentText::tr("%n d", "", int(seconds / 86400));
}

QString lifecycleText(const WorkerState& w, const QDateTime& now)
{
    if (!w.latent)
        return {};
    const LatentState& l = *w.latent;
    if (l.phase == Phase::Attached && l.stopAt.isValid())
        return LatentText::tr("idle, stops in %1").arg(elapsedText(now.secsTo(l.stopAt)));
    if (l.phase == Phase::Stopped || !l.phaseSince.isValid())
        return phaseText(l.phase);
    return LatentText::tr("%1 · %2").arg(phaseText(l.phase), elapsedText(l.phaseSince.secsTo(now)));
}

QString lifecycleToolTip(const WorkerState& w, const QDateTime& now)
{
    if (!w.latent)
        return {};
    const LatentState& l = *w.latent;
    QStringList lines;
    lines << (l.phaseSince.isValid()
                  ? LatentText::tr("%1 since %2").arg(phaseText(l.phase), exactTime(l.phaseSince))
                  : phaseText(l.phase));
    if (!l.instanceId.isEmpty())
        lines << LatentText::tr("Instance: %1 (%2)").arg(l.instanceId, l.driver);
    if (!l.lastError.isEmpty())
        lines << LatentText::tr("Last error: %1").arg(l.lastError);
    if (l.failures > 0)
        lines << LatentText::tr("Failed starts in a row: %1").arg(l.failures);
    if (l.retryAt.isValid() && l.retryAt > now)
        lines << LatentText::tr("No automatic start before %1 (in %2)")
                     .arg(exactTime(l.retryAt), elapsedText(now.secsTo(l.retryAt)));
    if (l.stopAt.isValid())
        lines << LatentText::tr("Stops when idle at %1").arg(exactTime(l.stopAt));
    if (!l.waitingRequests.isEmpty())
        lines << LatentText::tr("Started for: %1").arg(l.waitingRequests);
    return lines.join(u'\n');
}

QColor lifecycleColor(Phase phase)
{
    if (LatentState::isFailure(phase))
        return QColor(0xc5, 0x22, 0x1f);
    switch (phase) {
    case Phase::Attached:
        return QColor(0x1d, 0x6b, 0x2d);
    case Phase::Starting:
    case Phase::WaitingForAttach:
    case Phase::Stopping:
        return QColor(0x0d, 0x47, 0xa1);
    default:
        return QColor(0x5f, 0x63, 0x68);
    }
}

bool lifecycleTicks(const WorkerState& w)
{
    return w.latent && w.latent->phase != Phase::Stopped &&
           (w.latent->phaseSince.isValid() || w.latent->stopAt.isValid());
}

bool canStartInstance(const WorkerState& w)
{
    if (!w.latent)
        return false;
    const Phase p = w.latent->phase;
    return p == Phase::Stopped || p == Phase::StartFailed || p == Phase::AttachTimedOut;
}

bool canStopInstance(const WorkerState& w)
{
    if (!w.latent)
        return false;
    const Phase p = w.latent->phase;
    return p == Phase::Starting || p == Phase::WaitingForAttach || p == Phase::Attached ||
           p == Phase::StopFailed;
}

} // namespace ym::latent
