#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>

class QObject;

namespace ym {

// The asynchronous face of a secret store: what the engine (and, later, the
// console's dialogs) use. Every backend implements it; the directory store
// also keeps the synchronous SecretStore face.
//
// Rules for callers:
// - Call from the thread the store object lives on: the engine thread. The
//   console reaches the keychain only through the engine (Master's slots):
//   QtKeychain used from two threads of one process crashes inside
//   QtKeychain, so no second store may be made on the GUI thread.
// - `done` runs on that thread with the outcome, exactly once, unless
//   `context` was destroyed first (then it never runs). Never capture a raw
//   pointer that can die before `context`.
// - `done` may run before the call returns (the directory store answers at
//   once) or later from the event loop (the keychain store always does):
//   write code that works either way.
// - Errors name the secret, the store and what to do; they never hold a value.
// - Values are bytes (any content, any length the backend accepts).
class AsyncSecretStore
{
public:
    using ReadDone = std::function<void(Result<QByteArray>)>;
    using Done = std::function<void(Result<void>)>;
    using ListDone = std::function<void(Result<QStringList>)>;

    virtual ~AsyncSecretStore() = default;
    // "keychain" or "directory".
    virtual QString backendName() const = 0;
    // The value of secret `name`; an error when it is missing or unreadable.
    virtual void readAsync(const QString& name, QObject* context, ReadDone done) = 0;
    // Creates or replaces secret `name`.
    virtual void writeAsync(const QString& name, const QByteArray& value, QObject* context,
                            Done done) = 0;
    // Deletes secret `name`; an error when it does not exist.
    virtual void removeAsync(const QString& name, QObject* context, Done done) = 0;
    // The names of the stored secrets, sorted; never values.
    virtual void listAsync(QObject* context, ListDone done) = 0;
};

} // namespace ym
