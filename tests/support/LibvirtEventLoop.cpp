#include "support/LibvirtEventLoop.h"

#include <libvirt/libvirt.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace ymtest {

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Handle
{
    int id = 0;
    int fd = -1;
    int events = 0;
    virEventHandleCallback cb = nullptr;
    void* opaque = nullptr;
    virFreeCallback ff = nullptr;
    bool deleted = false;
};

struct Timer
{
    int id = 0;
    int frequency = -1; // -1: off; 0: every iteration; else every N ms
    int64_t due = 0;
    virEventTimeoutCallback cb = nullptr;
    void* opaque = nullptr;
    virFreeCallback ff = nullptr;
    bool deleted = false;
};

struct Loop
{
    std::mutex mutex; // handles, timers, nextId
    std::vector<Handle> handles;
    std::vector<Timer> timers;
    int nextId = 1;
    int wakeRead = -1;
    int wakeWrite = -1;

    std::mutex lifeMutex; // refs, thread
    int refs = 0;
    std::atomic<bool> run{false};
    std::thread thread;

    void wake() const
    {
        const char c = 0;
        [[maybe_unused]] const ssize_t n = ::write(wakeWrite, &c, 1);
    }

    // Drops deleted entries; their free callbacks run after the lock is gone
    // (libvirt deadlocks when they run inside removeHandle/removeTimeout).
    void collectGarbage()
    {
        std::vector<std::pair<virFreeCallback, void*>> frees;
        {
            const std::lock_guard lock(mutex);
            std::erase_if(handles, [&](const Handle& h) {
                if (h.deleted && h.ff)
                    frees.emplace_back(h.ff, h.opaque);
                return h.deleted;
            });
            std::erase_if(timers, [&](const Timer& t) {
                if (t.deleted && t.ff)
                    frees.emplace_back(t.ff, t.opaque);
                return t.deleted;
            });
        }
        for (const auto& [ff, opaque] : frees)
            ff(opaque);
    }

    void iterate()
    {
        collectGarbage();
        std::vector<pollfd> fds{{wakeRead, POLLIN, 0}};
        std::vector<int> ids{0};
        int timeout = -1;
        {
            const std::lock_guard lock(mutex);
            for (const Handle& h : handles) {
                if (h.deleted || h.events == 0)
                    continue;
                short want = 0;
                if (h.events & VIR_EVENT_HANDLE_READABLE)
                    want |= POLLIN;
                if (h.events & VIR_EVENT_HANDLE_WRITABLE)
                    want |= POLLOUT;
                fds.push_back({h.fd, want, 0});
                ids.push_back(h.id);
            }
            const int64_t now = nowMs();
            for (const Timer& t : timers) {
                if (t.deleted || t.frequency < 0)
                    continue;
                const int64_t wait = std::max<int64_t>(0, t.due - now);
                if (timeout < 0 || wait < timeout)
                    timeout = int(wait);
            }
        }
        const int rc = ::poll(fds.data(), nfds_t(fds.size()), timeout);
        if (rc < 0)
            return; // EINTR: next round
        if (fds[0].revents) {
            char buf[64];
            while (::read(wakeRead, buf, sizeof buf) > 0) {
            }
        }
        dispatchTimers();
        for (size_t i = 1; i < fds.size(); ++i) {
            if (fds[i].revents)
                dispatchHandle(ids[i], fds[i].revents);
        }
    }

    void dispatchTimers()
    {
        std::vector<int> due;
        {
            const std::lock_guard lock(mutex);
            const int64_t now = nowMs();
            for (Timer& t : timers) {
                if (!t.deleted && t.frequency >= 0 && t.due <= now) {
                    t.due = now + t.frequency;
                    due.push_back(t.id);
                }
            }
        }
        for (const int id : due) {
            virEventTimeoutCallback cb = nullptr;
            void* opaque = nullptr;
            {
                const std::lock_guard lock(mutex);
                for (const Timer& t : timers) {
                    if (t.id == id && !t.deleted) {
                        cb = t.cb;
                        opaque = t.opaque;
                    }
                }
            }
            if (cb)
                cb(id, opaque);
        }
    }

    void dispatchHandle(int id, short revents)
    {
        virEventHandleCallback cb = nullptr;
        void* opaque = nullptr;
        int fd = -1;
        {
            const std::lock_guard lock(mutex);
            for (const Handle& h : handles) {
                if (h.id == id && !h.deleted && h.events != 0) {
                    cb = h.cb;
                    opaque = h.opaque;
                    fd = h.fd;
                }
            }
        }
        int events = 0;
        if (revents & POLLIN)
            events |= VIR_EVENT_HANDLE_READABLE;
        if (revents & POLLOUT)
            events |= VIR_EVENT_HANDLE_WRITABLE;
        if (revents & (POLLERR | POLLNVAL))
            events |= VIR_EVENT_HANDLE_ERROR;
        if (revents & POLLHUP)
            events |= VIR_EVENT_HANDLE_HANGUP;
        if (cb)
            cb(id, fd, events, opaque);
    }
};

Loop& loop()
{
    static Loop* l = new Loop; // never destroyed: libvirt may call in at exit
    return *l;
}

int addHandle(int fd, int events, virEventHandleCallback cb, void* opaque, virFreeCallback ff)
{
    Loop& l = loop();
    int id = 0;
    {
        const std::lock_guard lock(l.mutex);
        id = l.nextId++;
        l.handles.push_back({id, fd, events, cb, opaque, ff, false});
    }
    l.wake();
    return id;
}

void updateHandle(int watch, int events)
{
    Loop& l = loop();
    {
        const std::lock_guard lock(l.mutex);
        for (Handle& h : l.handles) {
            if (h.id == watch && !h.deleted)
                h.events = events;
        }
    }
    l.wake();
}

int removeHandle(int watch)
{
    Loop& l = loop();
    bool found = false;
    {
        const std::lock_guard lock(l.mutex);
        for (Handle& h : l.handles) {
            if (h.id == watch && !h.deleted) {
                h.deleted = true;
                found = true;
            }
        }
    }
    l.wake();
    return found ? 0 : -1;
}

int addTimeout(int frequency, virEventTimeoutCallback cb, void* opaque, virFreeCallback ff)
{
    Loop& l = loop();
    int id = 0;
    {
        const std::lock_guard lock(l.mutex);
        id = l.nextId++;
        l.timers.push_back(
            {id, frequency, nowMs() + std::max(0, frequency), cb, opaque, ff, false});
    }
    l.wake();
    return id;
}

void updateTimeout(int timer, int frequency)
{
    Loop& l = loop();
    {
        const std::lock_guard lock(l.mutex);
        for (Timer& t : l.timers) {
            if (t.id == timer && !t.deleted) {
                t.frequency = frequency;
                t.due = nowMs() + std::max(0, frequency);
            }
        }
    }
    l.wake();
}

int removeTimeout(int timer)
{
    Loop& l = loop();
    bool found = false;
    {
        const std::lock_guard lock(l.mutex);
        for (Timer& t : l.timers) {
            if (t.id == timer && !t.deleted) {
                t.deleted = true;
                found = true;
            }
        }
    }
    l.wake();
    return found ? 0 : -1;
}

} // namespace

void LibvirtEventLoop::acquire()
{
    static std::once_flag registered;
    std::call_once(registered, [] {
        Loop& l = loop();
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
            l.wakeRead = fds[0];
            l.wakeWrite = fds[1];
        }
        virEventRegisterImpl(addHandle, updateHandle, removeHandle, addTimeout, updateTimeout,
                             removeTimeout);
    });
    Loop& l = loop();
    const std::lock_guard lock(l.lifeMutex);
    if (l.refs++ > 0)
        return;
    l.run = true;
    l.thread = std::thread([&l] {
        while (l.run.load())
            l.iterate();
        l.collectGarbage();
    });
}

void LibvirtEventLoop::release()
{
    Loop& l = loop();
    const std::lock_guard lock(l.lifeMutex);
    if (l.refs == 0 || --l.refs > 0)
        return;
    l.run = false;
    l.wake();
    l.thread.join();
}

} // namespace ymtest
