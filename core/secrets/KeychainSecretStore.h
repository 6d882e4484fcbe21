#pragma once

#include "secrets/AsyncSecretStore.h"

#include <QObject>

class QTimer;

#include <deque>
#include <functional>
#include <memory>

namespace ym {

// Secrets in the OS keychain (GNOME Keyring or KWallet through the Secret
// Service on the D-Bus session bus) via QtKeychain, under the service name
// "yardmaster"; the secret "worker/bot-linux" is the keychain entry of that
// key. Asynchronous only: nothing here waits on D-Bus.
//
// - QtKeychain's insecure fallback (a plain-text file) is never enabled.
// - Jobs run one at a time in call order. When one fails for a reason that is
//   not "no such entry" (no Secret Service, a locked keyring, a timeout), the
//   jobs queued behind it fail with the same error at once, so resolving many
//   workers against a dead keychain takes one round trip, not thousands.
// - A job that gets no answer within the timeout (e.g. a keyring waiting on an
//   unlock prompt nobody can see) fails with an error that says so.
// - The keychain cannot enumerate entries, so the store keeps an index: the
//   entry "yardmaster:index" (a name no secret can have) holds the names of
//   the secrets written through Yardmaster, one per line. write and remove
//   update it; list reads it. Entries added by other tools are not listed.
// - A locked keyring makes entries look missing; every "not found" is checked
//   against the Secret Service's default collection, and reported as "locked"
//   when it is.
class KeychainSecretStore final : public QObject, public AsyncSecretStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeychainSecretStore)

public:
    static constexpr int DefaultTimeoutMs = 30000;
    static QString serviceName() { return QStringLiteral("yardmaster"); }
    static QString indexKey() { return QStringLiteral("yardmaster:index"); }

    explicit KeychainSecretStore(QObject* parent = nullptr, int timeoutMs = DefaultTimeoutMs);
    ~KeychainSecretStore() override;

    QString backendName() const override { return QStringLiteral("keychain"); }
    void readAsync(const QString& name, QObject* context, ReadDone done) override;
    void writeAsync(const QString& name, const QByteArray& value, QObject* context,
                    Done done) override;
    void removeAsync(const QString& name, QObject* context, Done done) override;
    void listAsync(QObject* context, ListDone done) override;

    // The outcome of one keychain job (public for the helpers in the .cpp).
    struct Outcome
    {
        enum class Status
        {
            Ok,
            NotFound,
            Failed, // the keychain failed: `message` says what and what to do
        };
        Status status = Status::Ok;
        QString message;
        QByteArray data;
    };

private:
    struct Job
    {
        enum class Kind
        {
            Read,
            Write,
            Delete
        };
        Kind kind = Kind::Read;
        QString key;
        QByteArray data;
        std::function<void(const Outcome&)> done;
    };

    void enqueue(Job job, bool first = false);
    void runNext();
    void finish(quint64 serial, Outcome outcome);
    // A locked collection hides its entries: a "not found" is checked against
    // the default collection's Locked property (an asynchronous D-Bus call)
    // and becomes a "locked" failure when it is.
    void checkNotFound(quint64 serial);
    // Adds or removes `name` in the index, then calls `done`. Runs before the
    // jobs queued after the operation that asks for it.
    void updateIndex(const QString& name, bool add, std::function<void()> done);

    int m_timeoutMs;
    std::deque<Job> m_queue;
    std::unique_ptr<Job> m_running;
    quint64 m_serial = 0; // of the running job; a late answer to an abandoned one is ignored
    QTimer* m_timer = nullptr;
};

} // namespace ym
