#include "secrets/KeychainSecretStore.h"

#include "secrets/SecretStore.h"
#include "util/Logging.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QPointer>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace ym {

namespace {

using Outcome = KeychainSecretStore::Outcome;

constexpr qsizetype MaxDetail = 300;

const QString& whatToDo()
{
    static const QString text = QStringLiteral(
        "or set master.secrets to \"directory\" in the config to use the secrets folder instead");
    return text;
}

// What the keychain said, made readable: one line, bounded.
QString detailOf(const QString& errorString)
{
    QString d = errorString.simplified();
    if (d.size() > MaxDetail)
        d = d.left(MaxDetail) + QStringLiteral("...");
    return d.isEmpty() ? QStringLiteral("no details") : d;
}

bool mentionsAny(const QString& text, std::initializer_list<const char16_t*> words)
{
    for (const char16_t* w : words) {
        if (text.contains(QStringView(w), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// A failed job as a message naming the missing piece and what to do.
QString failureMessage(QKeychain::Error error, const QString& errorString)
{
    const QString detail = detailOf(errorString);
    const bool noBus = qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") &&
                       qEnvironmentVariableIsEmpty("DISPLAY");
    if (error == QKeychain::NoBackendAvailable || noBus ||
        mentionsAny(detail,
                    {u"autolaunch", u"ServiceUnknown", u"not provided by any",
                     u"No such file or directory", u"Connection refused", u"Could not connect",
                     u"org.freedesktop.secrets", u"no D-Bus", u"Failed to connect"})) {
        return QStringLiteral(
                   "the OS keychain is not available: no Secret Service on the D-Bus session "
                   "bus%1 (%2). Start gnome-keyring or KWallet in this session (the master must "
                   "see its DBUS_SESSION_BUS_ADDRESS), %3")
            .arg(noBus ? QStringLiteral(" (DBUS_SESSION_BUS_ADDRESS is not set)") : QString(),
                 detail, whatToDo());
    }
    if (error == QKeychain::AccessDenied || error == QKeychain::AccessDeniedByUser ||
        mentionsAny(detail, {u"lock", u"prompt", u"dismissed", u"denied"})) {
        return QStringLiteral("the OS keychain is locked or refused access (%1). Unlock it (log "
                              "in to the desktop session, or unlock the \"login\" keyring with "
                              "Seahorse or `gnome-keyring-daemon --unlock`), %2")
            .arg(detail, whatToDo());
    }
    return QStringLiteral("the OS keychain failed (QtKeychain error %1: %2). Check that "
                          "gnome-keyring or KWallet runs and is unlocked, %3")
        .arg(int(error))
        .arg(detail, whatToDo());
}

QStringList parseIndex(const QByteArray& data)
{
    QStringList names;
    const QList<QByteArray> lines = data.split('\n');
    for (const QByteArray& line : lines) {
        const QString name = QString::fromUtf8(line.trimmed());
        if (validateSecretName(name).ok() && !names.contains(name))
            names << name;
    }
    names.sort();
    return names;
}

QByteArray renderIndex(const QStringList& names)
{
    QByteArray out;
    for (const QString& n : names)
        out += n.toUtf8() + '\n';
    return out;
}

// Calls `f` unless `context` is gone.
template <typename T>
std::function<void(const T&)> guarded(QObject* context, std::function<void(T)> f)
{
    return [ctx = QPointer<QObject>(context), f = std::move(f)](const T& value) {
        if (ctx)
            f(value);
    };
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject* parent, int timeoutMs)
    : QObject(parent), m_timeoutMs(timeoutMs)
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        finish(m_serial,
               Outcome{Outcome::Status::Failed,
                       QStringLiteral("the OS keychain did not answer within %1 s (is it locked "
                                      "and waiting for an unlock prompt nobody can see?). Unlock "
                                      "it, %2")
                           .arg(m_timeoutMs / 1000)
                           .arg(whatToDo()),
                       {}});
    });
}

KeychainSecretStore::~KeychainSecretStore() = default;

void KeychainSecretStore::enqueue(Job job, bool first)
{
    if (first)
        m_queue.push_front(std::move(job));
    else
        m_queue.push_back(std::move(job));
    // Started from the event loop: callers never see their callback run
    // before the call returns.
    QTimer::singleShot(0, this, [this] { runNext(); });
}

void KeychainSecretStore::runNext()
{
    if (m_running || m_queue.empty())
        return;
    m_running = std::make_unique<Job>(std::move(m_queue.front()));
    m_queue.pop_front();
    const quint64 serial = ++m_serial;

    QKeychain::Job* job = nullptr;
    const QString service = serviceName();
    switch (m_running->kind) {
    case Job::Kind::Read:
        job = new QKeychain::ReadPasswordJob(service);
        break;
    case Job::Kind::Write: {
        auto* write = new QKeychain::WritePasswordJob(service);
        // Text when it is UTF-8 (readable in Seahorse), else bytes (base64).
        const QByteArray& data = m_running->data;
        if (QString::fromUtf8(data).toUtf8() == data)
            write->setTextData(QString::fromUtf8(data));
        else
            write->setBinaryData(data);
        job = write;
        break;
    }
    case Job::Kind::Delete:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(m_running->key);
    connect(job, &QKeychain::Job::finished, this, [this, serial](QKeychain::Job* j) {
        Outcome outcome;
        if (j->error() == QKeychain::NoError) {
            if (auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(j))
                outcome.data = read->binaryData();
        } else if (j->error() == QKeychain::EntryNotFound) {
            checkNotFound(serial);
            return;
        } else {
            outcome.status = Outcome::Status::Failed;
            outcome.message = failureMessage(j->error(), j->errorString());
        }
        finish(serial, std::move(outcome));
    });
    m_timer->start(m_timeoutMs);
    job->start();
}

void KeychainSecretStore::checkNotFound(quint64 serial)
{
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"),
        QStringLiteral("/org/freedesktop/secrets/aliases/default"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    call << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    auto* watcher =
        new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, serial](QDBusPendingCallWatcher* w) {
                w->deleteLater();
                const QDBusPendingReply<QDBusVariant> reply = *w;
                // No such collection or no Secret Service API (e.g. KWallet's own):
                // the entry is simply missing.
                if (reply.isError() || !reply.value().variant().toBool()) {
                    finish(serial, Outcome{Outcome::Status::NotFound, {}, {}});
                    return;
                }
                finish(serial, Outcome{Outcome::Status::Failed,
                                       failureMessage(QKeychain::AccessDenied,
                                                      QStringLiteral("the default keyring is "
                                                                     "locked")),
                                       {}});
            });
}

void KeychainSecretStore::finish(quint64 serial, Outcome outcome)
{
    if (!m_running || serial != m_serial)
        return; // the answer to a job that already timed out
    m_timer->stop();
    const std::unique_ptr<Job> job = std::move(m_running);
    std::deque<Job> failedToo;
    if (outcome.status == Outcome::Status::Failed) {
        qCWarning(lcSecrets).noquote() << outcome.message;
        failedToo.swap(m_queue);
    }
    job->done(outcome);
    for (const Job& j : failedToo)
        j.done(outcome);
    QTimer::singleShot(0, this, [this] { runNext(); });
}

void KeychainSecretStore::updateIndex(const QString& name, bool add, std::function<void()> done)
{
    enqueue(Job{Job::Kind::Read,
                indexKey(),
                {},
                [this, name, add, done](const Outcome& read) {
                    if (read.status == Outcome::Status::Failed) {
                        qCWarning(lcSecrets).noquote()
                            << QStringLiteral("the keychain's list of secret names was not updated "
                                              "for '%1'; `secret list` may be wrong")
                                   .arg(name);
                        done();
                        return;
                    }
                    QStringList names = parseIndex(read.data);
                    if (names.contains(name) == add) {
                        done();
                        return;
                    }
                    if (add) {
                        names << name;
                        names.sort();
                    } else {
                        names.removeAll(name);
                    }
                    enqueue(Job{Job::Kind::Write, indexKey(), renderIndex(names),
                                [name, done](const Outcome& written) {
                                    if (written.status != Outcome::Status::Ok)
                                        qCWarning(lcSecrets).noquote()
                                            << QStringLiteral("the keychain's list of secret names "
                                                              "was not updated for '%1'")
                                                   .arg(name);
                                    done();
                                }},
                            true);
                }},
            true);
}

void KeychainSecretStore::readAsync(const QString& name, QObject* context, ReadDone done)
{
    auto answer = guarded(context, std::move(done));
    if (auto valid = validateSecretName(name); !valid) {
        QTimer::singleShot(0, this, [answer, e = valid.error()] { answer(Result<QByteArray>(e)); });
        return;
    }
    enqueue(Job{Job::Kind::Read, name, {}, [answer, name](const Outcome& o) {
                    switch (o.status) {
                    case Outcome::Status::Ok:
                        answer(Result<QByteArray>(o.data));
                        return;
                    case Outcome::Status::NotFound:
                        answer(Result<QByteArray>(Error{
                            QStringLiteral("secret '%1' not found in the OS keychain (service "
                                           "\"%2\"); store it with `yardmaster ctl secret set "
                                           "%1`")
                                .arg(name, serviceName())}));
                        return;
                    case Outcome::Status::Failed:
                        answer(Result<QByteArray>(
                            Error{QStringLiteral("secret '%1': %2").arg(name, o.message)}));
                        return;
                    }
                }});
}

void KeychainSecretStore::writeAsync(const QString& name, const QByteArray& value, QObject* context,
                                     Done done)
{
    auto answer = guarded(context, std::move(done));
    if (auto valid = validateSecretName(name); !valid) {
        QTimer::singleShot(0, this, [answer, e = valid.error()] { answer(Result<void>(e)); });
        return;
    }
    enqueue(Job{Job::Kind::Write, name, value, [this, answer, name](const Outcome& o) {
                    if (o.status != Outcome::Status::Ok) {
                        answer(Result<void>(Error{
                            QStringLiteral("cannot store secret '%1': %2").arg(name, o.message)}));
                        return;
                    }
                    qCInfo(lcSecrets).noquote()
                        << QStringLiteral("stored secret %1 in the OS keychain").arg(name);
                    updateIndex(name, true, [answer] { answer(Result<void>()); });
                }});
}

void KeychainSecretStore::removeAsync(const QString& name, QObject* context, Done done)
{
    auto answer = guarded(context, std::move(done));
    if (auto valid = validateSecretName(name); !valid) {
        QTimer::singleShot(0, this, [answer, e = valid.error()] { answer(Result<void>(e)); });
        return;
    }
    const auto failed = [name](const Outcome& o) {
        return Result<void>(
            Error{QStringLiteral("cannot remove secret '%1': %2").arg(name, o.message)});
    };
    // Read first: deleting a missing entry is not an error for every backend.
    enqueue(Job{
        Job::Kind::Read, name, {}, [this, answer, name, failed](const Outcome& read) {
            if (read.status == Outcome::Status::Failed) {
                answer(failed(read));
                return;
            }
            if (read.status == Outcome::Status::NotFound) {
                // Keep the index honest even then.
                updateIndex(name, false, [answer, name] {
                    answer(Result<void>(Error{
                        QStringLiteral("secret '%1' not found in the OS keychain (service \"%2\")")
                            .arg(name, serviceName())}));
                });
                return;
            }
            enqueue(
                Job{Job::Kind::Delete,
                    name,
                    {},
                    [this, answer, name, failed](const Outcome& removed) {
                        if (removed.status == Outcome::Status::Failed) {
                            answer(failed(removed));
                            return;
                        }
                        qCInfo(lcSecrets).noquote()
                            << QStringLiteral("removed secret %1 from the OS keychain").arg(name);
                        updateIndex(name, false, [answer] { answer(Result<void>()); });
                    }},
                true);
        }});
}

void KeychainSecretStore::listAsync(QObject* context, ListDone done)
{
    auto answer = guarded(context, std::move(done));
    enqueue(Job{Job::Kind::Read, indexKey(), {}, [answer](const Outcome& o) {
                    if (o.status == Outcome::Status::Failed) {
                        answer(Result<QStringList>(
                            Error{QStringLiteral("cannot list the secrets: %1").arg(o.message)}));
                        return;
                    }
                    answer(Result<QStringList>(parseIndex(o.data)));
                }});
}

} // namespace ym
