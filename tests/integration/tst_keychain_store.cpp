// The OS keychain backend (QtKeychain) against a real gnome-keyring on a
// private D-Bus session: write, read, overwrite, delete, list, and the
// asynchronous resolution the engine uses.
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretResolver.h"
#include "support/KeyringSession.h"

#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace ym;
using namespace ymtest;

namespace {

constexpr int AnswerTimeoutMs = 60000;

// Waits (in the event loop) for one store answer.
template <typename T> struct Answer
{
    std::optional<Result<T>> value;
    bool ran = false;
    std::function<void(Result<T>)> callback()
    {
        return [this](Result<T> r) {
            value.emplace(std::move(r));
            ran = true;
        };
    }
    bool wait()
    {
        return QTest::qWaitFor([this] { return ran; }, AnswerTimeoutMs);
    }
};

} // namespace

class TestKeychainStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void writeReadOverwriteDelete();
    void bytesRoundTrip();
    void listShowsNamesOnly();
    void answersAlwaysLater();
    void noAnswerAfterContextIsGone();
    void invalidName();
    void resolvesManyWorkers();

private:
    Result<QByteArray> read(const QString& name);
    Result<void> write(const QString& name, const QByteArray& value);
    Result<void> remove(const QString& name);
    Result<QStringList> list();

    std::unique_ptr<KeyringSession> m_keyring;
    std::unique_ptr<KeychainSecretStore> m_store;
    QObject m_context;
    QList<QByteArray> m_values; // every value written: none may land in a plain file
};

void TestKeychainStore::initTestCase()
{
    m_keyring = std::make_unique<KeyringSession>();
    QVERIFY(m_keyring->start());
    // Before the first keychain call: libsecret connects to this bus once.
    m_keyring->exportToThisProcess();
    m_store = std::make_unique<KeychainSecretStore>();
    QCOMPARE(m_store->backendName(), u"keychain"_s);
}

void TestKeychainStore::cleanupTestCase()
{
    // The keyring's own file is encrypted; QtKeychain's plain-text fallback
    // (never enabled) would have put values in a file under HOME.
    for (const QByteArray& v : std::as_const(m_values))
        QCOMPARE(filesContaining(m_keyring->home(), v), QStringList());
    m_store.reset();
    m_keyring->stop();
}

Result<QByteArray> TestKeychainStore::read(const QString& name)
{
    Answer<QByteArray> a;
    m_store->readAsync(name, &m_context, a.callback());
    if (!a.wait())
        return Error{u"no answer"_s};
    return *a.value;
}

Result<void> TestKeychainStore::write(const QString& name, const QByteArray& value)
{
    m_values << value;
    Answer<void> a;
    m_store->writeAsync(name, value, &m_context, a.callback());
    if (!a.wait())
        return Error{u"no answer"_s};
    return *a.value;
}

Result<void> TestKeychainStore::remove(const QString& name)
{
    Answer<void> a;
    m_store->removeAsync(name, &m_context, a.callback());
    if (!a.wait())
        return Error{u"no answer"_s};
    return *a.value;
}

Result<QStringList> TestKeychainStore::list()
{
    Answer<QStringList> a;
    m_store->listAsync(&m_context, a.callback());
    if (!a.wait())
        return Error{u"no answer"_s};
    return *a.value;
}

void TestKeychainStore::writeReadOverwriteDelete()
{
    const QString name = u"worker/kc-one"_s;
    const Result<void> w1 = write(name, "kc-first-Value-1");
    QVERIFY2(w1.ok(), qPrintable(w1 ? QString() : w1.error().message));
    Result<QByteArray> r = read(name);
    QVERIFY2(r.ok(), qPrintable(r ? QString() : r.error().message));
    QCOMPARE(r.value(), QByteArray("kc-first-Value-1"));
    // Really in the keychain, as another Secret Service client sees it.
    QCOMPARE(m_keyring->lookup(name), std::optional<QByteArray>("kc-first-Value-1"));

    QVERIFY(write(name, "kc-second-Value-2").ok());
    QCOMPARE(read(name).value(), QByteArray("kc-second-Value-2"));
    QCOMPARE(m_keyring->lookup(name), std::optional<QByteArray>("kc-second-Value-2"));

    QVERIFY(remove(name).ok());
    r = read(name);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(u"secret 'worker/kc-one' not found in the OS keychain"_s),
             qPrintable(r.error().message));
    QVERIFY(r.error().message.contains(u"ctl secret set worker/kc-one"_s));
    QCOMPARE(m_keyring->lookup(name), std::nullopt);

    const Result<void> again = remove(name);
    QVERIFY(!again.ok());
    QVERIFY2(again.error().message.contains(u"not found"_s), qPrintable(again.error().message));
}

void TestKeychainStore::bytesRoundTrip()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    bytes += "kc-binary-tail";
    QVERIFY(write(u"cloud/raw-key"_s, bytes).ok());
    QCOMPARE(read(u"cloud/raw-key"_s).value(), bytes);
    QVERIFY(remove(u"cloud/raw-key"_s).ok());
}

void TestKeychainStore::listShowsNamesOnly()
{
    const QStringList names{u"worker/kc-list-a"_s, u"worker/kc-list-b"_s, u"smtp/relay"_s};
    for (const QString& n : names)
        QVERIFY(write(n, "kc-list-Value-" + n.toUtf8()).ok());
    Result<QStringList> l = list();
    QVERIFY2(l.ok(), qPrintable(l ? QString() : l.error().message));
    QStringList expected = names;
    expected.sort();
    QCOMPARE(l.value(), expected);
    for (const QString& entry : l.value())
        QVERIFY(!entry.contains(u"Value"_s));

    QVERIFY(remove(u"worker/kc-list-b"_s).ok());
    QCOMPARE(list().value(), QStringList({u"smtp/relay"_s, u"worker/kc-list-a"_s}));
    QVERIFY(remove(u"worker/kc-list-a"_s).ok());
    QVERIFY(remove(u"smtp/relay"_s).ok());
    QCOMPARE(list().value(), QStringList());
}

void TestKeychainStore::answersAlwaysLater()
{
    QVERIFY(write(u"worker/kc-later"_s, "kc-later-Value").ok());
    Answer<QByteArray> a;
    m_store->readAsync(u"worker/kc-later"_s, &m_context, a.callback());
    QVERIFY(!a.ran); // never before the call returns
    QVERIFY(a.wait());
    QCOMPARE(a.value->value(), QByteArray("kc-later-Value"));
    QVERIFY(remove(u"worker/kc-later"_s).ok());
}

void TestKeychainStore::noAnswerAfterContextIsGone()
{
    QVERIFY(write(u"worker/kc-gone"_s, "kc-gone-Value").ok());
    bool called = false;
    {
        QObject shortLived;
        m_store->readAsync(u"worker/kc-gone"_s, &shortLived,
                           [&called](Result<QByteArray>) { called = true; });
    }
    // A later job on the same queue has finished, so the first one has too.
    QCOMPARE(read(u"worker/kc-gone"_s).value(), QByteArray("kc-gone-Value"));
    QVERIFY(!called);
    QVERIFY(remove(u"worker/kc-gone"_s).ok());
}

void TestKeychainStore::invalidName()
{
    const Result<QByteArray> r = read(u"../etc/passwd"_s);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(u"'..'"_s), qPrintable(r.error().message));
}

void TestKeychainStore::resolvesManyWorkers()
{
    constexpr int Workers = 60;
    QList<SecretRequest> requests;
    for (int i = 0; i < Workers; ++i) {
        const QString name = u"bot-%1"_s.arg(i);
        if (i % 3 != 2) // every third one has no entry
            QVERIFY(write(u"worker/"_s + name, "kc-many-Pw-" + QByteArray::number(i)).ok());
        requests.append({name, SecretRef{SecretRef::Kind::Secret, u"worker/"_s + name},
                         u"worker '%1'"_s.arg(name)});
    }
    requests.append({u"env-bot"_s, SecretRef{SecretRef::Kind::Env, u"YM_KC_UNSET_VARIABLE"_s},
                     u"worker 'env-bot'"_s});
    requests.append({u"plain-bot"_s, SecretRef{SecretRef::Kind::Plain, u"kc-plain-Pw"_s}, {}});

    std::optional<ResolvedSecrets> resolved;
    resolveSecrets(*m_store, requests, &m_context,
                   [&resolved](ResolvedSecrets r) { resolved = std::move(r); });
    QVERIFY(!resolved); // the keychain answers later
    QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), AnswerTimeoutMs);
    for (int i = 0; i < Workers; ++i) {
        const QString name = u"bot-%1"_s.arg(i);
        if (i % 3 == 2) {
            QVERIFY(!resolved->values.contains(name));
            QVERIFY2(resolved->errors.value(name).startsWith(
                         u"worker '%1': secret 'worker/%1' not found"_s.arg(name)),
                     qPrintable(resolved->errors.value(name)));
        } else {
            QCOMPARE(resolved->values.value(name), "kc-many-Pw-" + QByteArray::number(i));
        }
    }
    QVERIFY(resolved->errors.value(u"env-bot"_s).contains(u"YM_KC_UNSET_VARIABLE is not set"_s));
    QCOMPARE(resolved->values.value(u"plain-bot"_s), QByteArray("kc-plain-Pw"));
    for (int i = 0; i < Workers; ++i) {
        if (i % 3 != 2)
            QVERIFY(remove(u"worker/bot-%1"_s.arg(i)).ok());
    }
}

QTEST_GUILESS_MAIN(TestKeychainStore)
#include "tst_keychain_store.moc"
