// The engine face's reads for the GUI (Master::readBuilders/readBuilds/
// readSteps/readLog) and buildersChanged: answered on the caller's context,
// an error while the engine is not running, dropped when the context is
// gone, and the builders list sent again after a reload.
#include "engine/Master.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace Qt::StringLiterals;
using ym::BuilderInfo;
using ym::BuildInfo;
using ym::Master;
using ym::Result;

namespace {

QJsonObject builder(const QString& name, const QStringList& steps)
{
    QJsonArray list;
    for (const QString& s : steps)
        list.append(
            QJsonObject{{u"type"_s, u"shell"_s}, {u"name"_s, s}, {u"command"_s, u"true"_s}});
    return QJsonObject{
        {u"name"_s, name}, {u"workernames"_s, QJsonArray{u"w"_s}}, {u"steps"_s, list}};
}

} // namespace

class TestMasterViews final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void readsBeforeStartAnswerWithAnError();
    void readsAfterStart();
    void answersRunOnTheCallersThread();
    void contextGoneDropsTheAnswer();
    void buildersChangedAfterStartAndReload();

private:
    void writeConfig(const QJsonArray& builders);
    void startMaster();

    std::unique_ptr<QTemporaryDir> m_dir;
    QThread* m_thread = nullptr;
    Master* m_master = nullptr;
};

void TestMasterViews::init()
{
    qputenv("YM_VIEWS_PW", "views-pw");
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeConfig({builder(u"alpha"_s, {u"one"_s, u"two"_s})});
    m_thread = new QThread;
    m_master = new Master(m_dir->filePath(u"master.json"_s));
    m_master->moveToThread(m_thread);
    m_thread->start();
}

void TestMasterViews::cleanup()
{
    QMetaObject::invokeMethod(m_master, &Master::shutdown, Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(
        m_master, [this] { m_master->moveToThread(thread()); }, Qt::BlockingQueuedConnection);
    delete m_master;
    m_master = nullptr;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_dir.reset();
}

void TestMasterViews::writeConfig(const QJsonArray& builders)
{
    const QJsonObject master{
        {u"protocols"_s,
         QJsonObject{{u"msgpack"_s, QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
        {u"database"_s, m_dir->filePath(u"state.sqlite"_s)},
        {u"control_socket"_s, m_dir->filePath(u"ctl.sock"_s)},
        {u"secrets_dir"_s, m_dir->filePath(u"secrets"_s)}};
    const QJsonArray workers{QJsonObject{
        {u"name"_s, u"w"_s}, {u"password"_s, QJsonObject{{u"env"_s, u"YM_VIEWS_PW"_s}}}}};
    QFile f(m_dir->filePath(u"master.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(
        QJsonDocument(
            QJsonObject{{u"master"_s, master}, {u"workers"_s, workers}, {u"builders"_s, builders}})
            .toJson());
}

void TestMasterViews::startMaster()
{
    QSignalSpy started(m_master, &Master::started);
    QMetaObject::invokeMethod(m_master, &Master::start, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 20000);
    QVERIFY2(started.at(0).at(0).toBool(),
             qPrintable(started.at(0).at(1).toStringList().join(u'\n')));
}

void TestMasterViews::readsBeforeStartAnswerWithAnError()
{
    std::optional<QList<BuilderInfo>> builders;
    std::optional<Result<QList<BuildInfo>>> builds;
    std::optional<Result<QList<ym::storage::StepRecord>>> steps;
    std::optional<Result<QList<ym::storage::LogChunkRecord>>> log;
    m_master->readBuilders(this, [&](QList<BuilderInfo> b) { builders = b; });
    m_master->readBuilds(10, this, [&](Result<QList<BuildInfo>> r) { builds = r; });
    m_master->readSteps(1, this, [&](Result<QList<ym::storage::StepRecord>> r) { steps = r; });
    m_master->readLog(1, 0, 10, this,
                      [&](Result<QList<ym::storage::LogChunkRecord>> r) { log = r; });
    QTRY_VERIFY_WITH_TIMEOUT(builders && builds && steps && log, 10000);
    QVERIFY(builders->isEmpty());
    QVERIFY(!builds->ok());
    QCOMPARE(builds->error().message, u"the master is not running"_s);
    QVERIFY(!steps->ok());
    QVERIFY(!log->ok());
}

void TestMasterViews::readsAfterStart()
{
    startMaster();
    std::optional<QList<BuilderInfo>> builders;
    std::optional<Result<QList<BuildInfo>>> builds;
    std::optional<Result<QList<ym::storage::StepRecord>>> steps;
    std::optional<Result<QList<ym::storage::LogChunkRecord>>> log;
    m_master->readBuilders(this, [&](QList<BuilderInfo> b) { builders = b; });
    // A request waits (its worker is not attached): it is read as queued.
    QSignalSpy changed(m_master, &Master::buildChanged);
    QMetaObject::invokeMethod(
        m_master, [this] { m_master->requestBuild(u"alpha"_s, u"views test"_s, {}); },
        Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 10000);
    m_master->readBuilds(10, this, [&](Result<QList<BuildInfo>> r) { builds = r; });
    m_master->readSteps(12345, this, [&](Result<QList<ym::storage::StepRecord>> r) { steps = r; });
    m_master->readLog(12345, 0, 10, this,
                      [&](Result<QList<ym::storage::LogChunkRecord>> r) { log = r; });
    QTRY_VERIFY_WITH_TIMEOUT(builders && builds && steps && log, 10000);
    QCOMPARE(builders->size(), 1);
    QCOMPARE(builders->first().name, u"alpha"_s);
    QCOMPARE(builders->first().steps, (QStringList{u"one"_s, u"two"_s}));
    QCOMPARE(builders->first().workernames, QStringList{u"w"_s});
    QVERIFY2(builds->ok(), builds->ok() ? "" : qPrintable(builds->error().message));
    QCOMPARE(builds->value().size(), 1);
    QCOMPARE(builds->value().first().state, BuildInfo::State::Queued);
    QCOMPARE(builds->value().first().reason, u"views test"_s);
    QVERIFY(steps->ok());
    QVERIFY(steps->value().isEmpty());
    QVERIFY(log->ok());
    QVERIFY(log->value().isEmpty());
}

void TestMasterViews::answersRunOnTheCallersThread()
{
    startMaster();
    QThread* seen = nullptr;
    QThread* seenRead = nullptr;
    m_master->readBuilders(this, [&](QList<BuilderInfo>) { seen = QThread::currentThread(); });
    m_master->readBuilds(10, this,
                         [&](Result<QList<BuildInfo>>) { seenRead = QThread::currentThread(); });
    QTRY_VERIFY_WITH_TIMEOUT(seen && seenRead, 10000);
    QCOMPARE(seen, thread());
    QCOMPARE(seenRead, thread());
}

void TestMasterViews::contextGoneDropsTheAnswer()
{
    startMaster();
    bool called = false;
    auto context = std::make_unique<QObject>();
    m_master->readBuilds(10, context.get(), [&](Result<QList<BuildInfo>>) { called = true; });
    m_master->readBuilders(context.get(), [&](QList<BuilderInfo>) { called = true; });
    context.reset();
    // A later read on a living context is answered; the earlier ones never are.
    bool later = false;
    m_master->readBuilds(10, this, [&](Result<QList<BuildInfo>>) { later = true; });
    QTRY_VERIFY_WITH_TIMEOUT(later, 10000);
    QCoreApplication::processEvents();
    QVERIFY(!called);
}

void TestMasterViews::buildersChangedAfterStartAndReload()
{
    QSignalSpy spy(m_master, &Master::buildersChanged);
    startMaster();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<QList<BuilderInfo>>().size(), 1);
    writeConfig({builder(u"alpha"_s, {u"one"_s}), builder(u"beta"_s, {u"x"_s})});
    QSignalSpy reloaded(m_master, &Master::reloaded);
    QMetaObject::invokeMethod(m_master, &Master::reload, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, 10000);
    QVERIFY(reloaded.at(0).at(0).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 10000);
    const QList<BuilderInfo> after = spy.at(1).at(0).value<QList<BuilderInfo>>();
    QCOMPARE(after.size(), 2);
    QCOMPARE(after.at(0).steps, QStringList{u"one"_s});
    QCOMPARE(after.at(1).name, u"beta"_s);
}

QTEST_GUILESS_MAIN(TestMasterViews)
#include "tst_master_views.moc"
