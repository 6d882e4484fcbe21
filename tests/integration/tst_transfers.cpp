// File transfer steps on a real buildbot-worker 3.7 attached to a real
// `yardmaster --headless`: 5 MB each way with checksums, maxsize, missing source.
#include "support/BuildLogs.h"
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int AttachTimeoutMs = 60000;
constexpr int BuildTimeoutMs = 180000;
constexpr qint64 FiveMb = 5 * 1024 * 1024;
const QString WorkerName = u"bot-t"_s;

QJsonObject shellStep(const QString& name, const QString& command)
{
    return {{u"type"_s, u"shell"_s}, {u"name"_s, name}, {u"command"_s, command}};
}

QJsonObject builder(const QString& name, const QJsonArray& steps)
{
    return {{u"name"_s, name}, {u"workernames"_s, QJsonArray{WorkerName}}, {u"steps"_s, steps}};
}

QByteArray sha256Hex(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

// The first 64-hex-digit word of `text`.
QByteArray firstSha(const QString& text)
{
    static const QRegularExpression re(u"\\b([0-9a-f]{64})\\b"_s);
    return re.match(text).captured(1).toLatin1();
}

} // namespace

class TestTransfers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void downloadDeliversEveryByte();
    void uploadStoresEveryByte();
    void uploadOverMaxsizeFails();
    void downloadOfMissingFileFails();
    void cleanupTestCase();

private:
    // Forces `builderName`, waits for the build to end; the build and its log.
    bool runBuild(const QString& builderName, QJsonObject& build, QJsonObject& log);
    QString configDir() const { return QFileInfo(m_master->configPath()).absolutePath(); }
    QString artifacts() const { return configDir() + u"/artifacts"_s; }

    std::unique_ptr<MasterProcess> m_master;
    std::unique_ptr<BuildbotWorker> m_worker;
};

void TestTransfers::initTestCase()
{
    const QJsonArray builders{
        builder(u"down"_s,
                {QJsonObject{{u"type"_s, u"download"_s},
                             {u"name"_s, u"fetch"_s},
                             {u"master_src"_s, u"input.bin"_s},
                             {u"worker_dest"_s, u"sub/got.bin"_s},
                             {u"mode"_s, u"0640"_s},
                             {u"blocksize"_s, 65536}},
                 shellStep(u"sum"_s, u"sha256sum sub/got.bin; stat -c 'mode=%a' sub/got.bin"_s)}),
        builder(u"up"_s, {shellStep(u"make"_s,
                                    u"head -c 5242880 /dev/urandom > big.bin; sha256sum big.bin"_s),
                          QJsonObject{{u"type"_s, u"upload"_s},
                                      {u"name"_s, u"store"_s},
                                      {u"worker_src"_s, u"big.bin"_s},
                                      {u"master_dest"_s, u"up/nested/big.bin"_s},
                                      {u"mode"_s, u"0600"_s}}}),
        builder(u"toobig"_s, {shellStep(u"make"_s, u"head -c 5242880 /dev/urandom > big.bin"_s),
                              QJsonObject{{u"type"_s, u"upload"_s},
                                          {u"name"_s, u"store"_s},
                                          {u"worker_src"_s, u"big.bin"_s},
                                          {u"master_dest"_s, u"toobig/big.bin"_s},
                                          {u"maxsize"_s, 1048576}}}),
        builder(u"missing"_s, {QJsonObject{{u"type"_s, u"download"_s},
                                           {u"name"_s, u"fetch"_s},
                                           {u"master_src"_s, u"no-such-input.bin"_s},
                                           {u"worker_dest"_s, u"x.bin"_s}}}),
    };
    QJsonObject config =
        masterConfig({workerEntry(WorkerName)}, {{u"artifacts_dir"_s, u"artifacts"_s}});
    config.insert(u"builders"_s, builders);
    m_master = std::make_unique<MasterProcess>(config);
    m_master->writeSecret(u"worker/"_s + WorkerName, "transfers-Pw-5");
    QVERIFY(m_master->start());
    m_worker = std::make_unique<BuildbotWorker>(WorkerName, "transfers-Pw-5", m_master->port());
    QVERIFY(m_worker->create());
    QVERIFY(m_worker->start());
    QVERIFY(m_master->waitForState(WorkerName, u"connected"_s, AttachTimeoutMs));
}

void TestTransfers::cleanupTestCase()
{
    m_worker.reset();
    m_master.reset();
}

bool TestTransfers::runBuild(const QString& builderName, QJsonObject& build, QJsonObject& log)
{
    const MasterProcess::CtlResult forced = m_master->ctl({u"force"_s, builderName, u"--json"_s});
    const qint64 request = qint64(forced.json.value(u"request"_s).toDouble());
    if (forced.exitCode != 0 || request <= 0) {
        qWarning() << "ctl force failed:" << forced.err;
        return false;
    }
    QDeadlineTimer deadline(BuildTimeoutMs);
    while (!deadline.hasExpired()) {
        const QJsonArray all =
            m_master->ctl({u"builds"_s, u"--json"_s}).json.value(u"builds"_s).toArray();
        for (const QJsonValue& v : all) {
            const QJsonObject b = v.toObject();
            if (qint64(b.value(u"request"_s).toDouble()) == request &&
                b.value(u"state"_s).toString() == u"finished"_s) {
                build = b;
                const QString id = QString::number(qint64(b.value(u"id"_s).toDouble()));
                log = m_master->ctl({u"log"_s, id, u"--json"_s}).json;
                return true;
            }
        }
        QTest::qWait(500);
    }
    qWarning() << "build of" << builderName << "did not finish";
    return false;
}

void TestTransfers::downloadDeliversEveryByte()
{
    const QString input = configDir() + u"/input.bin"_s;
    QByteArray data(FiveMb, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(data.data()),
                                          data.size() / qsizetype(sizeof(quint32)));
    QFile f(input);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(data), FiveMb);
    f.close();
    const QByteArray expected = sha256Hex(input);

    QJsonObject build, log;
    QVERIFY(runBuild(u"down"_s, build, log));
    const QHash<QString, QString> texts = logTexts(log);
    QCOMPARE(build.value(u"result"_s).toString(), u"success"_s);
    QCOMPARE(stepResult(log, u"fetch"_s), u"success"_s);
    QCOMPARE(firstSha(texts.value(u"sum/stdout"_s)), expected);
    QVERIFY(texts.value(u"sum/stdout"_s).contains(u"mode=640\n"_s));
    QVERIFY2(texts.value(u"fetch/header"_s).contains(u"downloaded 5242880 bytes from "_s + input),
             qPrintable(texts.value(u"fetch/header"_s)));
}

void TestTransfers::uploadStoresEveryByte()
{
    QJsonObject build, log;
    QVERIFY(runBuild(u"up"_s, build, log));
    const QHash<QString, QString> texts = logTexts(log);
    QCOMPARE(build.value(u"result"_s).toString(), u"success"_s);
    QCOMPARE(stepResult(log, u"store"_s), u"success"_s);
    const QByteArray printed = firstSha(texts.value(u"make/stdout"_s));
    QVERIFY(!printed.isEmpty());
    const QString stored = artifacts() + u"/up/nested/big.bin"_s;
    QCOMPARE(QFileInfo(stored).size(), FiveMb);
    QCOMPARE(sha256Hex(stored), printed);
    // mode 0600: read and write for the user only (Qt's User bits are 0x0700).
    QCOMPARE(int(QFileInfo(stored).permissions().toInt() & 0x0777), 0x0600);
    // Only the file itself: the temporary file was renamed, not left behind.
    QCOMPARE(QDir(artifacts() + u"/up/nested"_s).entryList(QDir::Files | QDir::Hidden),
             QStringList{u"big.bin"_s});
    QVERIFY2(texts.value(u"store/header"_s).contains(u"uploaded 5242880 bytes from "_s),
             qPrintable(texts.value(u"store/header"_s)));
}

void TestTransfers::uploadOverMaxsizeFails()
{
    QJsonObject build, log;
    QVERIFY(runBuild(u"toobig"_s, build, log));
    const QHash<QString, QString> texts = logTexts(log);
    QCOMPARE(build.value(u"result"_s).toString(), u"failure"_s);
    QCOMPARE(stepResult(log, u"store"_s), u"failure"_s);
    QVERIFY2(texts.value(u"store/header"_s).contains(u"upload exceeds maxsize (1048576 bytes)"_s),
             qPrintable(texts.value(u"store/header"_s)));
    // No artifact, and no temporary file either.
    const QDir folder(artifacts() + u"/toobig"_s);
    QVERIFY2(folder.entryList(QDir::Files | QDir::Hidden).isEmpty(),
             qPrintable(folder.entryList(QDir::Files | QDir::Hidden).join(u' ')));
}

void TestTransfers::downloadOfMissingFileFails()
{
    QJsonObject build, log;
    QVERIFY(runBuild(u"missing"_s, build, log));
    const QHash<QString, QString> texts = logTexts(log);
    QCOMPARE(build.value(u"result"_s).toString(), u"failure"_s);
    QCOMPARE(stepResult(log, u"fetch"_s), u"failure"_s);
    const QString path = configDir() + u"/no-such-input.bin"_s;
    QVERIFY2(texts.value(u"fetch/header"_s).contains(u"download: cannot read "_s + path),
             qPrintable(texts.value(u"fetch/header"_s)));
    QVERIFY(!QFileInfo::exists(m_worker->dir() + u"/missing/build/x.bin"_s));
}

QTEST_GUILESS_MAIN(TestTransfers)
#include "tst_transfers.moc"
