#include "latent/libvirt/LibvirtEventLoop.h"

#include <libvirt/libvirt.h>

#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace ym::latent::LibvirtEventLoop {

namespace {

struct Handle
{
    int id;
    int fd;
    int events; // VIR_EVENT_HANDLE_*
    virEventHandleCallback callback;
    void* opaque;
    virFreeCallback free;
    bool removed = false;
};

struct Timeout
{
    int id;
    int frequency; // ms; -1 disabled, 0 every iteration
    std::chrono::steady_clock::time_point due;
    virEventTimeoutCallback callback;
    void* opaque;
    virFreeCallback free;
    bool removed = false;
};

std::mutex g_mutex;
std::vector<Handle> g_handles;
std::vector<Timeout> g_timeouts;
int g_nextId = 1;
int g_wake[2] = {-1, -1};
std::atomic<bool> g_quit{false};
std::thread g_thread;

void wake()
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_wake[1], &byte, 1);
}

short toPoll(int events)
{
    short result = 0;
    if (events & VIR_EVENT_HANDLE_READABLE)
        result |= POLLIN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        result |= POLLOUT;
    return result;
}

int fromPoll(short revents)
{
    int result = 0;
    if (revents & POLLIN)
        result |= VIR_EVENT_HANDLE_READABLE;
    if (revents & POLLOUT)
        result |= VIR_EVENT_HANDLE_WRITABLE;
    if (revents & (POLLERR | POLLNVAL))
        result |= VIR_EVENT_HANDLE_ERROR;
    if (revents & POLLHUP)
        result |= VIR_EVENT_HANDLE_HANGUP;
    return result;
}

int addHandle(int fd, int events, virEventHandleCallback callback, void* opaque,
              virFreeCallback free)
{
    const std::lock_guard lock(g_mutex);
    const int id = g_nextId++;
    g_handles.push_back(Handle{id, fd, events, callback, opaque, free});
    wake();
    return id;
}

void updateHandle(int id, int events)
{
    const std::lock_guard lock(g_mutex);
    for (Handle& handle : g_handles)
        if (handle.id == id && !handle.removed)
            handle.events = events;
    wake();
}

int removeHandle(int id)
{
    const std::lock_guard lock(g_mutex);
    for (Handle& handle : g_handles) {
        if (handle.id == id && !handle.removed) {
            handle.removed = true; // freed by the loop, never inside this call
            wake();
            return 0;
        }
    }
    return -1;
}

int addTimeout(int frequency, virEventTimeoutCallback callback, void* opaque, virFreeCallback free)
{
    const std::lock_guard lock(g_mutex);
    const int id = g_nextId++;
    g_timeouts.push_back(Timeout{id, frequency,
                                 std::chrono::steady_clock::now() +
                                     std::chrono::milliseconds(std::max(frequency, 0)),
                                 callback, opaque, free});
    wake();
    return id;
}

void updateTimeout(int id, int frequency)
{
    const std::lock_guard lock(g_mutex);
    for (Timeout& timeout : g_timeouts) {
        if (timeout.id == id && !timeout.removed) {
            timeout.frequency = frequency;
            timeout.due = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(std::max(frequency, 0));
        }
    }
    wake();
}

int removeTimeout(int id)
{
    const std::lock_guard lock(g_mutex);
    for (Timeout& timeout : g_timeouts) {
        if (timeout.id == id && !timeout.removed) {
            timeout.removed = true;
            wake();
            return 0;
        }
    }
    return -1;
}

// Drops removed entries; their free callbacks run here, without the lock.
void purge()
{
    std::vector<std::pair<virFreeCallback, void*>> frees;
    {
        const std::lock_guard lock(g_mutex);
        std::erase_if(g_handles, [&frees](const Handle& handle) {
            if (handle.removed && handle.free)
                frees.emplace_back(handle.free, handle.opaque);
            return handle.removed;
        });
        std::erase_if(g_timeouts, [&frees](const Timeout& timeout) {
            if (timeout.removed && timeout.free)
                frees.emplace_back(timeout.free, timeout.opaque);
            return timeout.removed;
        });
    }
    for (const auto& [free, opaque] : frees)
        free(opaque);
}

void iterate()
{
    purge();
    std::vector<pollfd> fds{{g_wake[0], POLLIN, 0}};
    std::vector<int> ids{0};
    int waitMs = -1;
    {
        const std::lock_guard lock(g_mutex);
        for (const Handle& handle : g_handles) {
            if (!handle.removed && handle.events) {
                fds.push_back({handle.fd, toPoll(handle.events), 0});
                ids.push_back(handle.id);
            }
        }
        const auto now = std::chrono::steady_clock::now();
        for (const Timeout& timeout : g_timeouts) {
            if (timeout.removed || timeout.frequency < 0)
                continue;
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(timeout.due - now).count();
            const int ms = left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
            waitMs = waitMs < 0 ? ms : std::min(waitMs, ms);
        }
    }
    if (::poll(fds.data(), fds.size(), waitMs) < 0)
        return; // EINTR: next iteration
    if (fds[0].revents & POLLIN) {
        char buffer[64];
        while (::read(g_wake[0], buffer, sizeof buffer) > 0) {
        }
    }

    std::vector<std::pair<int, std::pair<virEventTimeoutCallback, void*>>> due;
    {
        const std::lock_guard lock(g_mutex);
        const auto now = std::chrono::steady_clock::now();
        for (Timeout& timeout : g_timeouts) {
            if (timeout.removed || timeout.frequency < 0 || timeout.due > now)
                continue;
            timeout.due = now + std::chrono::milliseconds(timeout.frequency);
            due.push_back({timeout.id, {timeout.callback, timeout.opaque}});
        }
    }
    for (const auto& [id, call] : due)
        call.first(id, call.second);

    for (size_t i = 1; i < fds.size(); ++i) {
        if (!fds[i].revents)
            continue;
        virEventHandleCallback callback = nullptr;
        void* opaque = nullptr;
        {
            const std::lock_guard lock(g_mutex);
            for (const Handle& handle : g_handles) {
                if (handle.id == ids[i] && !handle.removed) {
                    callback = handle.callback;
                    opaque = handle.opaque;
                }
            }
        }
        if (callback)
            callback(ids[i], fds[i].fd, fromPoll(fds[i].revents), opaque);
    }
}

} // namespace

bool start()
{
    static const bool registered = [] {
        if (::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) < 0)
            return false;
        virEventRegisterImpl(addHandle, updateHandle, removeHandle, addTimeout, updateTimeout,
                             removeTimeout);
        return true;
    }();
    if (!registered)
        return false;
    if (!g_thread.joinable()) {
        g_quit = false;
        g_thread = std::thread([] {
            while (!g_quit.load())
                iterate();
        });
    }
    return true;
}

void stop()
{
    if (!g_thread.joinable())
        return;
    g_quit = true;
    wake();
    g_thread.join();
}

} // namespace ym::latent::LibvirtEventLoop
