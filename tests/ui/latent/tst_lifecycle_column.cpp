// The worker table's Lifecycle column: the phase of a latent worker and the
// time spent in it (ticking without engine traffic), empty for standard
// workers, its tooltip, the filter matching it, and per-row repaints.
#include "RelativeTime.h"
#include "latent/LatentText.h"
#include "workers/WorkerTableModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;
using ym::LatentState;
using ym::WorkerState;
using ym::WorkerTableModel;
using Phase = LatentState::Phase;

namespace {
const QDateTime Now = QDateTime(QDate(2026, 1, 2), QTime(12, 0), Qt::UTC);

WorkerState latentWorker(const QString& name, Phase phase, int secondsInPhase)
{
    WorkerState w;
    w.name = name;
    w.missingTimeout = 1200;
    LatentState l;
    l.phase = phase;
    l.phaseSince = Now.addSecs(-secondsInPhase);
    l.driver = u"libvirt"_s;
    l.instanceId = name;
    w.latent = l;
    return w;
}

WorkerState standardWorker(const QString& name)
{
    WorkerState w;
    w.name = name;
    return w;
}
} // namespace

class TestLifecycleColumn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_data();
    void text();
    void standardWorkersShowNothing();
    void failureToolTip();
    void ticksWithTheClock();
    void refreshesOnlyTheGivenRows();
    void filterMatchesPhase();
    void sortsByPhase();
};

void TestLifecycleColumn::text_data()
{
    QTest::addColumn<int>("phase");
    QTest::addColumn<int>("seconds");
    QTest::addColumn<int>("stopIn"); // seconds until stopAt; -1: none
    QTest::addColumn<QString>("expected");
    QTest::newRow("stopped") << int(Phase::Stopped) << 500 << -1 << u"stopped"_s;
    QTest::newRow("starting") << int(Phase::Starting) << 3 << -1 << u"starting · 3 s"_s;
    QTest::newRow("waiting") << int(Phase::WaitingForAttach) << 12 << -1
                             << u"waiting for attach · 12 s"_s;
    QTest::newRow("attached busy")
        << int(Phase::Attached) << 3 * 3600 + 5 << -1 << u"attached · 3 h"_s;
    QTest::newRow("attached idle")
        << int(Phase::Attached) << 100 << 8 * 60 + 20 << u"idle, stops in 8 min"_s;
    QTest::newRow("stopping") << int(Phase::Stopping) << 59 << -1 << u"stopping · 59 s"_s;
    QTest::newRow("start failed") << int(Phase::StartFailed) << 150 << -1
                                  << u"start failed · 2 min"_s;
    QTest::newRow("attach timed out")
        << int(Phase::AttachTimedOut) << 2 * 86400 << -1 << u"attach timed out · 2 d"_s;
    QTest::newRow("stop failed") << int(Phase::StopFailed) << 61 << -1 << u"stop failed · 1 min"_s;
}

void TestLifecycleColumn::text()
{
    QFETCH(int, phase);
    QFETCH(int, seconds);
    QFETCH(int, stopIn);
    QFETCH(QString, expected);
    WorkerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNow(Now);
    WorkerState w = latentWorker(u"vm"_s, Phase(phase), seconds);
    if (stopIn >= 0)
        w.latent->stopAt = Now.addSecs(stopIn);
    model.apply({w});
    QCOMPARE(model.index(0, WorkerTableModel::Lifecycle).data().toString(), expected);
    QVERIFY(model.index(0, WorkerTableModel::Lifecycle).data(Qt::ForegroundRole).isValid());
    QCOMPARE(model.headerData(WorkerTableModel::Lifecycle, Qt::Horizontal).toString(),
             u"Lifecycle"_s);
}

void TestLifecycleColumn::standardWorkersShowNothing()
{
    WorkerTableModel model;
    model.setNow(Now);
    model.apply({standardWorker(u"plain"_s)});
    const QModelIndex cell = model.index(0, WorkerTableModel::Lifecycle);
    QCOMPARE(cell.data().toString(), QString());
    QCOMPARE(cell.data(Qt::ToolTipRole).toString(), QString());
    QVERIFY(!cell.data(Qt::ForegroundRole).isValid());
    QVERIFY(!ym::latent::lifecycleTicks(model.workerAt(0)));
}

void TestLifecycleColumn::failureToolTip()
{
    WorkerTableModel model;
    model.setNow(Now);
    WorkerState w = latentWorker(u"vm"_s, Phase::StartFailed, 120);
    w.latent->lastError = u"libvirt: domain 'vm' not found"_s;
    w.latent->failures = 3;
    w.latent->retryAt = Now.addSecs(240);
    w.latent->waitingRequests = u"request 12 (linux)"_s;
    model.apply({w});
    const QString tip =
        model.index(0, WorkerTableModel::Lifecycle).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(u"Last error: libvirt: domain 'vm' not found"_s), qPrintable(tip));
    QVERIFY2(tip.contains(u"Failed starts in a row: 3"_s), qPrintable(tip));
    QVERIFY2(tip.contains(u"No automatic start before "_s + ym::exactTime(Now.addSecs(240))),
             qPrintable(tip));
    QVERIFY2(tip.contains(u"(in 4 min)"_s), qPrintable(tip));
    QVERIFY2(tip.contains(u"Started for: request 12 (linux)"_s), qPrintable(tip));
    QVERIFY2(tip.contains(u"start failed since "_s), qPrintable(tip));
    // Failures have a colour of their own.
    const QColor failed = model.index(0, WorkerTableModel::Lifecycle)
                              .data(Qt::ForegroundRole)
                              .value<QBrush>()
                              .color();
    model.apply({latentWorker(u"vm"_s, Phase::Attached, 5)});
    QVERIFY(model.index(0, WorkerTableModel::Lifecycle)
                .data(Qt::ForegroundRole)
                .value<QBrush>()
                .color() != failed);
}

void TestLifecycleColumn::ticksWithTheClock()
{
    WorkerTableModel model;
    model.setNow(Now);
    model.apply({latentWorker(u"vm"_s, Phase::WaitingForAttach, 12)});
    const QModelIndex cell = model.index(0, WorkerTableModel::Lifecycle);
    QCOMPARE(cell.data().toString(), u"waiting for attach · 12 s"_s);
    // The same snapshot, a later clock: no engine traffic needed.
    model.setNow(Now.addSecs(1));
    QCOMPARE(cell.data().toString(), u"waiting for attach · 13 s"_s);
    model.setNow(Now.addSecs(100));
    QCOMPARE(cell.data().toString(), u"waiting for attach · 1 min"_s);
    // Without a fixed clock the model reads the real one: the seconds grow.
    WorkerTableModel live;
    WorkerState w = latentWorker(u"vm"_s, Phase::Starting, 0);
    w.latent->phaseSince = QDateTime::currentDateTimeUtc();
    live.apply({w});
    QTRY_VERIFY_WITH_TIMEOUT(
        live.index(0, WorkerTableModel::Lifecycle).data().toString() != u"starting · 0 s"_s, 30000);
    QVERIFY(
        live.index(0, WorkerTableModel::Lifecycle).data().toString().startsWith(u"starting · "_s));
}

void TestLifecycleColumn::refreshesOnlyTheGivenRows()
{
    WorkerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNow(Now);
    QList<WorkerState> batch;
    for (int i = 0; i < 10000; ++i)
        batch << (i % 2 ? standardWorker(u"w%1"_s.arg(i, 5, 10, QChar(u'0')))
                        : latentWorker(u"w%1"_s.arg(i, 5, 10, QChar(u'0')), Phase::Attached, i));
    model.apply(batch);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    // The rows a view shows: 40..45 adjacent, 200 alone.
    model.refreshLifecycle({45, 40, 41, 42, 43, 44, 200, -1, 20000});
    QCOMPARE(changes.size(), 2);
    const auto range = [&](int i) {
        const auto tl = changes.at(i).at(0).value<QModelIndex>();
        const auto br = changes.at(i).at(1).value<QModelIndex>();
        return std::tuple(tl.row(), br.row(), tl.column(), br.column());
    };
    QCOMPARE(range(0), std::tuple(40, 45, int(WorkerTableModel::Lifecycle),
                                  int(WorkerTableModel::Lifecycle)));
    QCOMPARE(range(1), std::tuple(200, 200, int(WorkerTableModel::Lifecycle),
                                  int(WorkerTableModel::Lifecycle)));
    QVERIFY(changes.at(0).at(2).value<QList<int>>().contains(Qt::DisplayRole));
    // Scattered rows: at most MaxRangesPerBatch signals.
    changes.clear();
    QList<int> scattered;
    for (int r = 0; r < 10000; r += 100)
        scattered << r;
    model.refreshLifecycle(scattered);
    QCOMPARE(changes.size(), 1);
    changes.clear();
    model.refreshLifecycle({});
    QCOMPARE(changes.size(), 0);
}

void TestLifecycleColumn::filterMatchesPhase()
{
    WorkerTableModel model;
    model.setNow(Now);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.apply({latentWorker(u"vm-a"_s, Phase::WaitingForAttach, 5),
                 latentWorker(u"vm-b"_s, Phase::StartFailed, 5), standardWorker(u"plain"_s)});
    proxy.setFilterFixedString(u"Waiting for"_s);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"vm-a"_s);
    proxy.setFilterFixedString(u"failed"_s);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"vm-b"_s);
    // It attaches: out of the "waiting" view.
    proxy.setFilterFixedString(u"waiting for attach"_s);
    model.apply({latentWorker(u"vm-a"_s, Phase::Attached, 0)});
    QCOMPARE(proxy.rowCount(), 0);
}

void TestLifecycleColumn::sortsByPhase()
{
    WorkerTableModel model;
    model.setNow(Now);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(WorkerTableModel::SortRole);
    model.apply({latentWorker(u"attached"_s, Phase::Attached, 5), standardWorker(u"plain"_s),
                 latentWorker(u"stopped"_s, Phase::Stopped, 5),
                 latentWorker(u"starting-old"_s, Phase::Starting, 500),
                 latentWorker(u"starting-new"_s, Phase::Starting, 5)});
    proxy.sort(WorkerTableModel::Lifecycle, Qt::AscendingOrder);
    QStringList order;
    for (int r = 0; r < proxy.rowCount(); ++r)
        order << proxy.index(r, 0).data().toString();
    QCOMPARE(order, (QStringList{u"plain"_s, u"stopped"_s, u"starting-old"_s, u"starting-new"_s,
                                 u"attached"_s}));
}

QTEST_MAIN(TestLifecycleColumn)
#include "tst_lifecycle_column.moc"
