#pragma once

// Private to ConnectionHub: one I/O thread with its own epoll loop.

#include "protocol/ConnectionHub.h"
#include "protocol/WebSocketFrame.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace ym::detail {

// State shared by all loops of one hub.
struct HubShared
{
    explicit HubShared(HubOptions o) : options(o) {}

    const HubOptions options;

    std::mutex credentialsMutex;
    std::shared_ptr<const CredentialTable> credentials;

    std::mutex eventsMutex;
    std::vector<HubEvent> events;
    std::function<void()> wakeup;

    std::atomic<std::size_t> links{0};
    std::atomic<std::size_t> authenticated{0};
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> nextSerial{1};
    std::atomic<std::size_t> queuedBytes{0}; // message bytes published, not yet taken
    std::atomic<std::size_t> pausedLinks{0}; // links not read because of queuedBytes

    std::shared_ptr<const CredentialTable> credentialTable();
    // Appends `batch` (emptied) to the queue; wakes the engine if it was empty.
    void publish(std::vector<HubEvent>& batch);
};

struct HubCommand
{
    enum class Kind
    {
        Adopt,
        Send,
        Close,
        Abort,
        Stop
    };
    Kind kind = Kind::Stop;
    ConnId conn = 0;
    int fd = -1;
    QByteArray frame;
    QString reason;
};

// Which deadline list a link is in.
enum class ListId : std::uint8_t
{
    None,
    Handshaking,
    Idle,
    Pinged,
    Closing,
};

enum class Phase : std::uint8_t
{
    Handshake,
    Open,
    Closing,
};

struct Link
{
    Link(ConnId i, int f, std::size_t maxMessage) : id(i), fd(f), parser(maxMessage) {}

    ConnId id;
    int fd;
    Phase phase = Phase::Handshake;
    ListId list = ListId::None;
    bool wantWrite = false;
    bool shutWrite = false;
    bool dead = false;
    bool flushQueued = false;
    bool paused = false;    // not read: the engine is behind (HubOptions::maxQueuedMessageBytes)
    std::int64_t since = 0; // when it entered its deadline list
    Link* prev = nullptr;
    Link* next = nullptr;
    std::string in;  // handshake head, or the unfinished frame
    std::string out; // not yet written
    std::size_t outOffset = 0;
    ws::FrameParser parser;
    QString worker;
    QString peer;
};

struct LinkList
{
    Link* head = nullptr;
    Link* tail = nullptr;
};

class IoLoop
{
public:
    static constexpr unsigned kIndexBits = 8; // ConnId = serial << 8 | loop index

    IoLoop(HubShared& shared, unsigned index);
    ~IoLoop();
    IoLoop(const IoLoop&) = delete;
    IoLoop& operator=(const IoLoop&) = delete;

    void start();
    // Stops the thread, closes every link without events, refuses later commands.
    void stop();
    // Thread-safe. After stop() an adopted descriptor is closed at once.
    void post(HubCommand command);
    // Thread-safe: makes the loop look at its paused links again.
    void wakeUp();

private:
    void run();
    void iterate();
    void recover();
    int nextTimeoutMs() const;
    void runCommands();
    void runTimers();
    void adoptFd(int fd);
    void handleEvents(Link& l, std::uint32_t events);
    void onReadable(Link& l);
    bool overReadLimit() const;
    void pauseReading(Link& l);
    void resumeReading();
    void onData(Link& l, const char* data, std::size_t size);
    void handshake(Link& l);
    void accept(Link& l, const QByteArray& key, std::size_t consumed);
    void refuse(Link& l, int status, const QString& worker, const QString& reason);
    void feedFrames(Link& l, const char* data, std::size_t size);
    void onMessage(Link& l, QByteArray&& payload);
    void queueOutput(Link& l, QByteArrayView bytes);
    void flush(Link& l);
    void setWantWrite(Link& l, bool want);
    void closeWithFrame(Link& l, std::uint16_t code, QByteArrayView text);
    void beginClosing(Link& l);
    void lost(Link& l, const QString& reason);
    void destroy(Link& l);
    void emitEvent(HubEvent::Kind kind, const Link& l, QString reason = {}, int status = 0);
    void moveTo(Link& l, LinkList& list, std::int64_t since);
    void unlink(Link& l);
    LinkList& listOf(const Link& l);
    Link* find(ConnId id);
    void closeAll();

    HubShared& m_shared;
    const unsigned m_index;
    int m_epoll = -1;
    int m_wake = -1;
    std::thread m_thread;

    std::mutex m_commandsMutex;
    std::vector<HubCommand> m_commands;
    bool m_accepting = true;

    // I/O thread only.
    bool m_stopping = false;
    std::int64_t m_now = 0;
    std::unordered_map<ConnId, std::unique_ptr<Link>> m_links;
    std::vector<ConnId> m_dead;    // destroyed during this iteration, freed at its end
    std::vector<Link*> m_toFlush;  // output queued by commands, written after them
    std::vector<HubEvent> m_batch; // events of this iteration
    std::size_t m_batchBytes = 0;  // message bytes in m_batch
    std::vector<ConnId> m_paused;  // links not read (Link::paused)
    std::vector<char> m_readBuffer;
    LinkList m_handshaking; // by adopt time
    LinkList m_idle;        // open, by last inbound time
    LinkList m_pinged;      // open, pinged, by ping time
    LinkList m_closing;     // lingering for the peer's EOF, by close time
};

} // namespace ym::detail
