// master.secrets (which store serves {"secret": ...}), the directory store's
// asynchronous face, and resolveSecrets() with it.
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "secrets/DirectorySecretStore.h"
#include "secrets/SecretResolver.h"

#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace ym;

class TestSecretsBackend final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setting_data();
    void setting();
    void badSetting();
    void roundTrip();
    void autoMeansTheFacesChoice();
    void storeFactory();
    void directoryAnswersAtOnce();
    void resolveWithDirectoryStore();
};

void TestSecretsBackend::setting_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("expected");
    QTest::newRow("absent") << QByteArray(R"({"master": {}})") << int(SecretsBackend::Auto);
    QTest::newRow("auto") << QByteArray(R"({"master": {"secrets": "auto"}})")
                          << int(SecretsBackend::Auto);
    QTest::newRow("keychain") << QByteArray(R"({"master": {"secrets": "keychain"}})")
                              << int(SecretsBackend::Keychain);
    QTest::newRow("directory") << QByteArray(R"({"master": {"secrets": "directory"}})")
                               << int(SecretsBackend::Directory);
}

void TestSecretsBackend::setting()
{
    QFETCH(QByteArray, json);
    QFETCH(int, expected);
    const ConfigLoadResult r = parseConfig(json, u"master.json"_s);
    QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
    QCOMPARE(int(r.config->master.secrets), expected);
}

void TestSecretsBackend::badSetting()
{
    for (const QByteArray& json : {QByteArray(R"({"master": {"secrets": "wallet"}})"),
                                   QByteArray(R"({"master": {"secrets": true}})")}) {
        const ConfigLoadResult r = parseConfig(json, u"master.json"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QVERIFY2(r.errors.first().startsWith(u"master.secrets: must be \"keychain\""_s),
                 qPrintable(r.errors.first()));
    }
    const ConfigLoadResult typo = parseConfig(R"({"master": {"secret": "keychain"}})", {});
    QVERIFY(!typo.ok());
    QVERIFY2(typo.errors.first().contains(u"did you mean 'secrets'"_s),
             qPrintable(typo.errors.first()));
}

void TestSecretsBackend::roundTrip()
{
    for (SecretsBackend b :
         {SecretsBackend::Auto, SecretsBackend::Keychain, SecretsBackend::Directory}) {
        MasterConfig c;
        c.master.secrets = b;
        const QByteArray text = serializeConfig(c);
        QVERIFY(
            text.contains("\"secrets\": \"" + MasterConfig::secretsBackendName(b).toUtf8() + '"'));
        const ConfigLoadResult back = parseConfig(text, u"saved.json"_s);
        QVERIFY(back.ok());
        QCOMPARE(int(back.config->master.secrets), int(b));
    }
}

void TestSecretsBackend::autoMeansTheFacesChoice()
{
    MasterConfig c;
    QCOMPARE(c.effectiveSecretsBackend(SecretsBackend::Directory), SecretsBackend::Directory);
    QCOMPARE(c.effectiveSecretsBackend(SecretsBackend::Keychain), SecretsBackend::Keychain);
    QCOMPARE(c.effectiveSecretsBackend(SecretsBackend::Auto), SecretsBackend::Directory);
    c.master.secrets = SecretsBackend::Keychain;
    QCOMPARE(c.effectiveSecretsBackend(SecretsBackend::Directory), SecretsBackend::Keychain);
    c.master.secrets = SecretsBackend::Directory;
    QCOMPARE(c.effectiveSecretsBackend(SecretsBackend::Keychain), SecretsBackend::Directory);
}

void TestSecretsBackend::storeFactory()
{
    QTemporaryDir tmp;
    MasterConfig c;
    c.master.secretsDir = tmp.filePath(u"s"_s);
    QCOMPARE(makeSecretStore(c, SecretsBackend::Directory)->backendName(), u"directory"_s);
    QCOMPARE(makeSecretStore(c, SecretsBackend::Keychain)->backendName(), u"keychain"_s);
    c.master.secrets = SecretsBackend::Directory;
    QCOMPARE(makeSecretStore(c, SecretsBackend::Keychain)->backendName(), u"directory"_s);
}

void TestSecretsBackend::directoryAnswersAtOnce()
{
    QTemporaryDir tmp;
    DirectorySecretStore store(tmp.filePath(u"secrets"_s));
    AsyncSecretStore& async = store;
    QObject context;
    std::optional<Result<void>> written;
    async.writeAsync(u"worker/a"_s, "dir-async-Pw", &context,
                     [&](Result<void> r) { written.emplace(std::move(r)); });
    QVERIFY(written && written->ok());
    std::optional<Result<QByteArray>> read;
    async.readAsync(u"worker/a"_s, &context, [&](Result<QByteArray> r) { read.emplace(r); });
    QVERIFY(read && read->ok());
    QCOMPARE(read->value(), QByteArray("dir-async-Pw"));
    std::optional<Result<QStringList>> names;
    async.listAsync(&context, [&](Result<QStringList> r) { names.emplace(r); });
    QCOMPARE(names->value(), QStringList{u"worker/a"_s});
    std::optional<Result<void>> removed;
    async.removeAsync(u"worker/a"_s, &context, [&](Result<void> r) { removed.emplace(r); });
    QVERIFY(removed && removed->ok());
    async.readAsync(u"worker/a"_s, &context, [&](Result<QByteArray> r) { read.emplace(r); });
    QVERIFY(!read->ok());
    QVERIFY(read->error().message.contains(u"not found"_s));
}

void TestSecretsBackend::resolveWithDirectoryStore()
{
    QTemporaryDir tmp;
    DirectorySecretStore store(tmp.filePath(u"secrets"_s));
    QVERIFY(store.write(u"worker/shared"_s, "dir-shared-Pw").ok());
    QVERIFY(store.write(u"worker/empty"_s, "").ok());
    qputenv("YM_TEST_SECRETS_BACKEND_PW", "dir-env-Pw");
    const QList<SecretRequest> requests{
        {u"a"_s, {SecretRef::Kind::Secret, u"worker/shared"_s}, u"worker 'a'"_s},
        {u"b"_s, {SecretRef::Kind::Secret, u"worker/shared"_s}, u"worker 'b'"_s},
        {u"c"_s, {SecretRef::Kind::Secret, u"worker/missing"_s}, u"worker 'c'"_s},
        {u"d"_s, {SecretRef::Kind::Secret, u"worker/empty"_s}, u"worker 'd'"_s},
        {u"e"_s, {SecretRef::Kind::Env, u"YM_TEST_SECRETS_BACKEND_PW"_s}, u"worker 'e'"_s},
    };
    QObject context;
    std::optional<ResolvedSecrets> resolved;
    resolveSecrets(store, requests, &context, [&](ResolvedSecrets r) { resolved = r; });
    QVERIFY(resolved); // the directory store answers at once
    QCOMPARE(resolved->values.value(u"a"_s), QByteArray("dir-shared-Pw"));
    QCOMPARE(resolved->values.value(u"b"_s), QByteArray("dir-shared-Pw"));
    QCOMPARE(resolved->values.value(u"e"_s), QByteArray("dir-env-Pw"));
    QVERIFY(resolved->errors.value(u"c"_s).startsWith(
        u"worker 'c': secret 'worker/missing' not found"_s));
    QCOMPARE(resolved->errors.value(u"d"_s), u"worker 'd': secret 'worker/empty' is empty"_s);
    QCOMPARE(resolved->values.size() + resolved->errors.size(), requests.size());
}

QTEST_GUILESS_MAIN(TestSecretsBackend)
#include "tst_secrets_backend.moc"
