#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

namespace ym {

// Many deadlines, one QTimer: armed for the earliest. Every request to a
// worker and every attach carries one, so this must stay cheap at 10,000
// workers (O(log n) add and cancel, no per-deadline QObject).
class DeadlineQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeadlineQueue)

public:
    using Id = std::uint64_t;

    explicit DeadlineQueue(QObject* parent = nullptr) : QObject(parent)
    {
        m_timer.setParent(this); // moves with us between threads
        m_clock.start();
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::CoarseTimer);
        connect(&m_timer, &QTimer::timeout, this, &DeadlineQueue::fire);
    }

    qint64 now() const { return m_clock.elapsed(); }

    // Calls `fn` once, `delayMs` from now, unless cancelled first.
    Id add(qint64 delayMs, std::function<void()> fn)
    {
        const Id id = ++m_lastId;
        const qint64 due = now() + std::max<qint64>(0, delayMs);
        auto it = m_queue.emplace(due, Entry{id, std::move(fn)});
        m_index.emplace(id, it);
        if (it == m_queue.begin())
            arm();
        return id;
    }

    void cancel(Id id)
    {
        auto found = m_index.find(id);
        if (found == m_index.end())
            return;
        m_queue.erase(found->second);
        m_index.erase(found);
    }

    void clear()
    {
        m_queue.clear();
        m_index.clear();
        m_timer.stop();
    }

    std::size_t size() const { return m_index.size(); }

private:
    struct Entry
    {
        Id id;
        std::function<void()> fn;
    };

    void arm()
    {
        if (m_queue.empty()) {
            m_timer.stop();
            return;
        }
        const qint64 wait = std::max<qint64>(0, m_queue.begin()->first - now());
        m_timer.start(int(std::min<qint64>(wait, 24 * 3600 * 1000)));
    }

    void fire()
    {
        const qint64 t = now();
        while (!m_queue.empty() && m_queue.begin()->first <= t) {
            auto it = m_queue.begin();
            std::function<void()> fn = std::move(it->second.fn);
            m_index.erase(it->second.id);
            m_queue.erase(it);
            fn(); // may add or cancel entries
        }
        arm();
    }

    QElapsedTimer m_clock;
    QTimer m_timer;
    Id m_lastId = 0;
    std::multimap<qint64, Entry> m_queue;
    std::unordered_map<Id, std::multimap<qint64, Entry>::iterator> m_index;
};

} // namespace ym
