#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <functional>

namespace ym {

// Keeps a worker that retries every second from flooding the log: the first
// refusal of a kind (worker, peer host, reason) is reported at once, repeats
// are counted and reported as one summary per window.
class RefusalLog
{
public:
    struct Report
    {
        QString worker;
        QString peer;   // the full address of the latest attempt
        QString reason;
        int count = 1;  // 1: a first refusal; more: a summary of repeats
        qint64 windowSeconds = 0;
    };
    using Sink = std::function<void(const Report&)>;

    explicit RefusalLog(Sink sink, qint64 windowMs = 60'000);

    void refused(const QString& worker, const QString& peer, const QString& reason, qint64 nowMs);
    // Reports the repeats of every window that has run out; call periodically.
    void flush(qint64 nowMs, bool force = false);
    int pendingKinds() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        QString worker;
        QString peer;
        QString reason;
        qint64 windowStartMs = 0;
        int repeats = 0;
    };

    Sink m_sink;
    qint64 m_windowMs;
    QHash<QString, Entry> m_entries;
};

} // namespace ym
