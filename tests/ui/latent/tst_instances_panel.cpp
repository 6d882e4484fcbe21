// The Instances tab: the ledger model under QAbstractItemModelTester (merges
// in place, never a reset; open instances highlighted), and the panel's
// reads: on Refresh, when shown, and throttled on latent phase changes.
#include "latent/InstancesPanel.h"
#include "latent/LedgerModel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;
using ym::InstancesPanel;
using ym::LedgerModel;
using ym::storage::LatentInstanceRecord;

namespace {
const qint64 T0 = QDateTime(QDate(2026, 1, 2), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

LatentInstanceRecord record(qint64 id, const QString& state, const QString& worker = u"vm"_s)
{
    LatentInstanceRecord r;
    r.id = id;
    r.worker = worker;
    r.driver = u"libvirt"_s;
    r.instanceId = u"%1-%2"_s.arg(worker).arg(id);
    r.state = state;
    r.requestedMs = T0 + id * 1000;
    if (state != u"starting" && state != u"start_failed")
        r.startedMs = r.requestedMs + 500;
    if (state == u"stopped" || state == u"gone" || state == u"start_failed")
        r.stoppedMs = r.requestedMs + 60000;
    r.reason = u"request %1"_s.arg(id);
    if (state == u"start_failed" || state == u"stop_failed")
        r.lastError = u"libvirt: boom %1"_s.arg(id);
    return r;
}

QList<LatentInstanceRecord> records(const QList<std::pair<qint64, QString>>& rows)
{
    QList<LatentInstanceRecord> out;
    for (const auto& [id, state] : rows)
        out << record(id, state);
    return out;
}

ym::WorkerState latentWorker(const QString& name, ym::LatentState::Phase phase)
{
    ym::WorkerState w;
    w.name = name;
    ym::LatentState l;
    l.phase = phase;
    w.latent = l;
    return w;
}

// A reader the test answers by hand (as the engine would, later).
struct FedReader
{
    QList<std::function<void(ym::Result<ym::LedgerRows>)>> pending;
    QList<int> limits;
    ym::LedgerReader reader()
    {
        return [this](int limit, QObject*, std::function<void(ym::Result<ym::LedgerRows>)> done) {
            limits << limit;
            pending << std::move(done);
        };
    }
    void answer(const ym::Result<ym::LedgerRows>& rows)
    {
        QVERIFY(!pending.isEmpty());
        auto done = pending.takeFirst();
        done(rows);
    }
};
} // namespace

class TestInstancesPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void merges_data();
    void merges();
    void columnsAndHighlight();
    void refreshAndShow();
    void phaseChangesThrottled();
    void readErrorShown();
    void openOnlyFilter();
};

void TestInstancesPanel::merges_data()
{
    QTest::addColumn<QList<LatentInstanceRecord>>("first");
    QTest::addColumn<QList<LatentInstanceRecord>>("second");
    QTest::addColumn<int>("inserted");
    QTest::addColumn<int>("removed");
    QTest::addColumn<int>("changed");

    QTest::newRow("into empty") << QList<LatentInstanceRecord>{}
                                << records({{1, u"stopped"_s}, {2, u"running"_s}}) << 2 << 0 << 0;
    QTest::newRow("same again") << records({{1, u"stopped"_s}, {2, u"running"_s}})
                                << records({{1, u"stopped"_s}, {2, u"running"_s}}) << 0 << 0 << 0;
    QTest::newRow("state moves") << records({{1, u"stopped"_s}, {2, u"running"_s}})
                                 << records({{1, u"stopped"_s}, {2, u"stopping"_s}}) << 0 << 0 << 1;
    QTest::newRow("new one and oldest beyond the limit")
        << records({{1, u"stopped"_s}, {2, u"stopped"_s}, {3, u"running"_s}})
        << records({{2, u"stopped"_s}, {3, u"stopped"_s}, {4, u"starting"_s}}) << 1 << 1 << 1;
    QTest::newRow("all gone") << records({{1, u"stopped"_s}, {2, u"gone"_s}})
                              << QList<LatentInstanceRecord>{} << 0 << 2 << 0;
    QTest::newRow("middle removed")
        << records({{1, u"stopped"_s}, {2, u"gone"_s}, {3, u"gone"_s}, {4, u"running"_s}})
        << records({{1, u"stopped"_s}, {4, u"running"_s}}) << 0 << 2 << 0;
}

void TestInstancesPanel::merges()
{
    QFETCH(QList<LatentInstanceRecord>, first);
    QFETCH(QList<LatentInstanceRecord>, second);
    QFETCH(int, inserted);
    QFETCH(int, removed);
    QFETCH(int, changed);
    LedgerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(LedgerModel::SortRole);
    proxy.sort(LedgerModel::Requested, Qt::DescendingOrder);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRecords(first);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy ins(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy rem(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy chg(&model, &QAbstractItemModel::dataChanged);
    model.setRecords(second);
    QCOMPARE(resets.size(), 0);
    int insertedRows = 0;
    for (const auto& args : ins)
        insertedRows += args.at(2).toInt() - args.at(1).toInt() + 1;
    int removedRows = 0;
    for (const auto& args : rem)
        removedRows += args.at(2).toInt() - args.at(1).toInt() + 1;
    QCOMPARE(insertedRows, inserted);
    QCOMPARE(removedRows, removed);
    QCOMPARE(int(chg.size()), changed);
    // The model holds exactly the second read.
    QCOMPARE(model.rowCount(), int(second.size()));
    QSet<qint64> ids;
    for (int r = 0; r < model.rowCount(); ++r) {
        ids.insert(model.index(r, 0).data(LedgerModel::IdRole).toLongLong());
        const LatentInstanceRecord& rec = model.recordAt(r);
        const auto it = std::find_if(second.cbegin(), second.cend(),
                                     [&](const LatentInstanceRecord& s) { return s.id == rec.id; });
        QVERIFY(it != second.cend());
        QCOMPARE(rec.state, it->state);
    }
    QCOMPARE(ids.size(), int(second.size()));
    // Newest first through the proxy.
    for (int r = 1; r < proxy.rowCount(); ++r)
        QVERIFY(
            proxy.index(r - 1, LedgerModel::Requested).data(LedgerModel::SortRole).toLongLong() >
            proxy.index(r, LedgerModel::Requested).data(LedgerModel::SortRole).toLongLong());
}

void TestInstancesPanel::columnsAndHighlight()
{
    LedgerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LatentInstanceRecord running = record(1, u"running"_s);
    running.attachedMs = running.startedMs + 2000;
    const LatentInstanceRecord failed = record(2, u"start_failed"_s);
    const LatentInstanceRecord stopFailed = record(3, u"stop_failed"_s);
    const LatentInstanceRecord stopped = record(4, u"stopped"_s);
    model.setRecords({running, failed, stopFailed, stopped});
    QCOMPARE(model.columnCount(), int(LedgerModel::ColumnCount));
    const auto text = [&](int row, int column) {
        return model.index(row, column).data().toString();
    };
    QCOMPARE(text(0, LedgerModel::Worker), u"vm"_s);
    QCOMPARE(text(0, LedgerModel::Driver), u"libvirt"_s);
    QCOMPARE(text(0, LedgerModel::Instance), u"vm-1"_s);
    QCOMPARE(text(0, LedgerModel::State), u"running"_s);
    QCOMPARE(text(1, LedgerModel::State), u"start failed"_s);
    QCOMPARE(text(2, LedgerModel::State), u"stop failed"_s);
    QCOMPARE(text(0, LedgerModel::Requested), LedgerModel::timeText(running.requestedMs));
    QCOMPARE(text(0, LedgerModel::Requested),
             QDateTime::fromMSecsSinceEpoch(running.requestedMs, Qt::UTC)
                 .toLocalTime()
                 .toString(u"yyyy-MM-dd HH:mm:ss"_s));
    QCOMPARE(text(0, LedgerModel::Attached), LedgerModel::timeText(running.attachedMs));
    QCOMPARE(text(0, LedgerModel::Stopped), QString()); // not yet
    QCOMPARE(text(1, LedgerModel::LastError), u"libvirt: boom 2"_s);
    QCOMPARE(text(1, LedgerModel::Reason), u"request 2"_s);
    QCOMPARE(model.index(0, LedgerModel::Started).data(LedgerModel::SortRole).toLongLong(),
             running.startedMs);
    // Open instances (they may still run) stand out; closed ones do not.
    for (int row : {0, 2}) {
        QVERIFY(model.index(row, 0).data(LedgerModel::OpenRole).toBool());
        QVERIFY(model.index(row, LedgerModel::Reason).data(Qt::BackgroundRole).isValid());
    }
    for (int row : {1, 3}) {
        QVERIFY(!model.index(row, 0).data(LedgerModel::OpenRole).toBool());
        QVERIFY(!model.index(row, LedgerModel::Reason).data(Qt::BackgroundRole).isValid());
    }
    QVERIFY(model.index(0, LedgerModel::Reason).data(Qt::BackgroundRole).value<QBrush>().color() !=
            model.index(2, LedgerModel::Reason).data(Qt::BackgroundRole).value<QBrush>().color());
    QCOMPARE(model.openCount(), 2);
    QCOMPARE(model.headerData(LedgerModel::Instance, Qt::Horizontal).toString(), u"Instance"_s);
}

void TestInstancesPanel::refreshAndShow()
{
    FedReader fed;
    InstancesPanel panel(fed.reader());
    QCOMPARE(fed.limits.size(), 0); // nothing before it is shown or asked
    panel.show();
    QCOMPARE(fed.limits, QList<int>{InstancesPanel::Limit});
    // A second Refresh while the first read runs: one more read after it.
    panel.refreshButton()->click();
    QCOMPARE(fed.limits.size(), 1);
    fed.answer(records({{1, u"stopped"_s}, {2, u"running"_s}}));
    QCOMPARE(panel.model()->rowCount(), 2);
    QCOMPARE(panel.statusText(), u"2 instance(s), 1 open"_s);
    QTRY_COMPARE_WITH_TIMEOUT(fed.limits.size(), 2, 30000);
    fed.answer(records({{1, u"stopped"_s}, {2, u"stopped"_s}, {3, u"starting"_s}}));
    QCOMPARE(panel.model()->rowCount(), 3);
    QCOMPARE(panel.model()->openCount(), 1);
    // Shown again: no read by itself (Refresh or changes do that).
    panel.hide();
    panel.show();
    QCOMPARE(fed.limits.size(), 2);
    panel.refreshButton()->click();
    QCOMPARE(fed.limits.size(), 3);
    fed.answer(ym::LedgerRows{});
    QCOMPARE(panel.model()->rowCount(), 0);
    QCOMPARE(panel.statusText(), u"No latent worker instances yet."_s);
}

void TestInstancesPanel::phaseChangesThrottled()
{
    using Phase = ym::LatentState::Phase;
    FedReader fed;
    InstancesPanel panel(fed.reader());
    // A latent worker seen for the first time: one read (after the throttle).
    panel.workersChanged({latentWorker(u"vm"_s, Phase::Stopped)});
    QCOMPARE(fed.limits.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(fed.limits.size(), 1, 30000);
    fed.answer(records({{1, u"stopped"_s}}));
    // Several phase changes in a burst: one read.
    panel.workersChanged({latentWorker(u"vm"_s, Phase::Starting)});
    panel.workersChanged({latentWorker(u"vm"_s, Phase::WaitingForAttach)});
    ym::WorkerState plain;
    plain.name = u"plain"_s;
    panel.workersChanged({plain, latentWorker(u"vm"_s, Phase::Attached)});
    QTRY_COMPARE_WITH_TIMEOUT(fed.limits.size(), 2, 30000);
    // While that read runs, another change: read again once it is answered.
    panel.workersChanged({latentWorker(u"vm"_s, Phase::Stopping)});
    fed.answer(records({{1, u"stopped"_s}, {2, u"running"_s}}));
    QTRY_COMPARE_WITH_TIMEOUT(fed.limits.size(), 3, 30000);
    fed.answer(records({{1, u"stopped"_s}, {2, u"stopping"_s}}));
    QCOMPARE(panel.model()->recordAt(1).state, u"stopping"_s);
    // The same phase again (other fields changed) and standard workers: no read.
    // Checked by a Refresh afterwards being the very next read.
    ym::WorkerState same = latentWorker(u"vm"_s, Phase::Stopping);
    same.runningBuilds = 1;
    panel.workersChanged({same, plain});
    panel.refresh();
    QCOMPARE(fed.limits.size(), 4);
    fed.answer(records({{1, u"stopped"_s}, {2, u"stopping"_s}}));
    QCOMPARE(fed.pending.size(), 0);
}

void TestInstancesPanel::readErrorShown()
{
    FedReader fed;
    InstancesPanel panel(fed.reader());
    panel.refresh();
    fed.answer(records({{1, u"running"_s}}));
    panel.refresh();
    fed.answer(ym::Error{u"the master is not running"_s});
    QCOMPARE(panel.statusText(), u"Could not read the ledger: the master is not running"_s);
    QCOMPARE(panel.model()->rowCount(), 1); // the last good read stays
}

void TestInstancesPanel::openOnlyFilter()
{
    FedReader fed;
    InstancesPanel panel(fed.reader());
    QAbstractItemModelTester tester(panel.proxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.refresh();
    fed.answer(
        records({{1, u"stopped"_s}, {2, u"running"_s}, {3, u"stop_failed"_s}, {4, u"gone"_s}}));
    QCOMPARE(panel.proxy()->rowCount(), 4);
    panel.openOnlyBox()->setChecked(true);
    QCOMPARE(panel.proxy()->rowCount(), 2);
    QCOMPARE(panel.proxy()->index(0, LedgerModel::Instance).data().toString(), u"vm-3"_s);
    QCOMPARE(panel.proxy()->index(1, LedgerModel::Instance).data().toString(), u"vm-2"_s);
    panel.openOnlyBox()->setChecked(false);
    QCOMPARE(panel.proxy()->rowCount(), 4);
}

QTEST_MAIN(TestInstancesPanel)
#include "tst_instances_panel.moc"
