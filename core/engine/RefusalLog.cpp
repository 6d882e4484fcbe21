#include "engine/RefusalLog.h"

#include <utility>

namespace ym {

namespace {
QString hostOf(const QString& peer)
{
    const qsizetype colon = peer.lastIndexOf(u':');
    return colon > 0 ? peer.left(colon) : peer;
}
} // namespace

RefusalLog::RefusalLog(Sink sink, qint64 windowMs) : m_sink(std::move(sink)), m_windowMs(windowMs)
{
}

void RefusalLog::refused(const QString& worker, const QString& peer, const QString& reason,
                         qint64 nowMs)
{
    const QString key = worker + u'\x1f' + hostOf(peer) + u'\x1f' + reason;
    auto it = m_entries.find(key);
    if (it == m_entries.end()) {
        m_entries.insert(key, Entry{worker, peer, reason, nowMs, 0});
        m_sink(Report{worker, peer, reason, 1, 0});
        return;
    }
    it->peer = peer;
    ++it->repeats;
}

void RefusalLog::flush(qint64 nowMs, bool force)
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const qint64 age = nowMs - it->windowStartMs;
        if (!force && age < m_windowMs) {
            ++it;
            continue;
        }
        if (it->repeats == 0) {
            it = m_entries.erase(it); // quiet for a whole window: forget it
            continue;
        }
        m_sink(Report{it->worker, it->peer, it->reason, it->repeats, age / 1000});
        it->repeats = 0;
        it->windowStartMs = nowMs;
        ++it;
    }
}

} // namespace ym
