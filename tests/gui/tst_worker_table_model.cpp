// The worker table model (and its sort/filter proxy) under
// QAbstractItemModelTester: inserts, updates and removals are row-level
// (never a reset), batches of 10,000 rows included.
#include "workers/WorkerTableModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;
using ym::WorkerState;
using ym::WorkerTableModel;

namespace {

WorkerState worker(const QString& name, WorkerState::Phase phase = WorkerState::Phase::Disconnected,
                   int running = 0)
{
    WorkerState w;
    w.name = name;
    w.phase = phase;
    w.runningBuilds = running;
    w.maxBuilds = 2;
    w.keepaliveInterval = 3600;
    w.missingTimeout = 600;
    if (phase == WorkerState::Phase::Connected) {
        w.connectedSince = QDateTime::currentDateTimeUtc().addSecs(-300);
        w.info = QJsonObject{{u"host"_s, u"h-"_s + name},
                             {u"admin"_s, u"Ada <ada@example.org>"_s},
                             {u"version"_s, u"3.7.0"_s},
                             {u"os_pretty_name"_s, u"Debian GNU/Linux 12 (bookworm)"_s}};
    }
    return w;
}

QList<WorkerState> workers(const QStringList& names,
                           WorkerState::Phase phase = WorkerState::Phase::Disconnected)
{
    QList<WorkerState> out;
    for (const QString& n : names)
        out << worker(n, phase);
    return out;
}

QStringList namesOf(const WorkerTableModel& m)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, WorkerTableModel::Name).data().toString();
    return out;
}

} // namespace

class TestWorkerTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batches_data();
    void batches();
    void columnsAndRoles();
    void relativeTimes();
    void tenThousandRows();
    void proxyFiltersAndSorts();
};

// Each row: the names already in the model, a batch, the names expected after
// it, how many rows the batch inserts, and how many rows it updates.
void TestWorkerTableModel::batches_data()
{
    QTest::addColumn<QStringList>("initial");
    QTest::addColumn<QStringList>("batch");
    QTest::addColumn<QStringList>("removed");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("inserted");
    QTest::addColumn<int>("updated");

    QTest::newRow("insert into empty") << QStringList{} << QStringList{u"a"_s, u"b"_s}
                                       << QStringList{} << QStringList{u"a"_s, u"b"_s} << 2 << 0;
    QTest::newRow("update only") << QStringList{u"a"_s, u"b"_s} << QStringList{u"b"_s}
                                 << QStringList{} << QStringList{u"a"_s, u"b"_s} << 0 << 1;
    QTest::newRow("update and insert")
        << QStringList{u"a"_s} << QStringList{u"a"_s, u"c"_s, u"b"_s} << QStringList{}
        << QStringList{u"a"_s, u"c"_s, u"b"_s} << 2 << 1;
    QTest::newRow("same new name twice in a batch")
        << QStringList{} << QStringList{u"a"_s, u"a"_s} << QStringList{} << QStringList{u"a"_s} << 1
        << 0;
    QTest::newRow("remove first") << QStringList{u"a"_s, u"b"_s, u"c"_s} << QStringList{}
                                  << QStringList{u"a"_s} << QStringList{u"b"_s, u"c"_s} << 0 << 0;
    QTest::newRow("remove middle then update last")
        << QStringList{u"a"_s, u"b"_s, u"c"_s} << QStringList{u"c"_s} << QStringList{u"b"_s}
        << QStringList{u"a"_s, u"c"_s} << 0 << 1;
    QTest::newRow("remove unknown") << QStringList{u"a"_s} << QStringList{} << QStringList{u"zz"_s}
                                    << QStringList{u"a"_s} << 0 << 0;
}

void TestWorkerTableModel::batches()
{
    QFETCH(QStringList, initial);
    QFETCH(QStringList, batch);
    QFETCH(QStringList, removed);
    QFETCH(QStringList, expected);
    QFETCH(int, inserted);
    QFETCH(int, updated);

    WorkerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(WorkerTableModel::SortRole);
    proxy.sort(WorkerTableModel::Name);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.apply(workers(initial));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.apply(workers(batch, WorkerState::Phase::Connected));
    for (const QString& name : removed)
        model.remove(name);

    QCOMPARE(namesOf(model), expected);
    QCOMPARE(resets.size(), 0);
    int insertedRows = 0;
    for (const QList<QVariant>& args : std::as_const(inserts))
        insertedRows += args.at(2).toInt() - args.at(1).toInt() + 1;
    QCOMPARE(insertedRows, inserted);
    QVERIFY(inserts.size() <= 1); // one insert per batch
    int updatedRows = 0;
    for (const QList<QVariant>& args : std::as_const(changes))
        updatedRows += args.at(1).toModelIndex().row() - args.at(0).toModelIndex().row() + 1;
    QCOMPARE(updatedRows, updated);
    for (const QString& name : expected)
        QCOMPARE(model.rowOf(name), int(expected.indexOf(name)));
    for (const QString& name : removed)
        QCOMPARE(model.rowOf(name), -1);
    // Updated rows carry the new state.
    for (const QString& name : batch)
        if (expected.contains(name))
            QCOMPARE(model.workerAt(model.rowOf(name)).phase, WorkerState::Phase::Connected);
}

void TestWorkerTableModel::columnsAndRoles()
{
    WorkerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkerState on = worker(u"bot-on"_s, WorkerState::Phase::Connected, 1);
    WorkerState paused = worker(u"bot-paused"_s, WorkerState::Phase::Connected);
    paused.paused = true;
    paused.pauseReason = u"disk full"_s;
    paused.maxBuilds.reset();
    paused.keepaliveInterval.reset();
    model.apply({on, paused, worker(u"bot-off"_s)});

    const auto text = [&](int row, int column) {
        return model.index(row, column).data().toString();
    };
    QCOMPARE(model.columnCount(), int(WorkerTableModel::ColumnCount));
    QCOMPARE(text(0, WorkerTableModel::State), u"connected"_s);
    QCOMPARE(text(1, WorkerTableModel::State), u"paused (connected)"_s);
    QCOMPARE(text(2, WorkerTableModel::State), u"disconnected"_s);
    QCOMPARE(text(0, WorkerTableModel::Builds), u"1 / 2"_s);
    QCOMPARE(text(1, WorkerTableModel::Builds), u"0 / unlimited"_s);
    QCOMPARE(text(0, WorkerTableModel::Host), u"h-bot-on"_s);
    QCOMPARE(text(0, WorkerTableModel::Admin), u"Ada <ada@example.org>"_s);
    QCOMPARE(text(0, WorkerTableModel::Version), u"3.7.0"_s);
    QCOMPARE(text(0, WorkerTableModel::Os), u"Debian GNU/Linux 12 (bookworm)"_s);
    QCOMPARE(text(0, WorkerTableModel::Keepalive), u"1 h"_s);
    QCOMPARE(text(1, WorkerTableModel::Keepalive), u"disabled"_s);
    QCOMPARE(text(0, WorkerTableModel::MissingTimeout), u"10 min"_s);
    QVERIFY(model.index(1, WorkerTableModel::State)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"disk full"_s));
    // State: an icon and a colour of its own per state.
    QVERIFY(
        !model.index(0, WorkerTableModel::State).data(Qt::DecorationRole).value<QIcon>().isNull());
    const QColor connected =
        model.index(0, WorkerTableModel::State).data(Qt::ForegroundRole).value<QBrush>().color();
    const QColor pausedColor =
        model.index(1, WorkerTableModel::State).data(Qt::ForegroundRole).value<QBrush>().color();
    const QColor off =
        model.index(2, WorkerTableModel::State).data(Qt::ForegroundRole).value<QBrush>().color();
    QVERIFY(connected != pausedColor && connected != off && pausedColor != off);
    QCOMPARE(model.connectedCount(), 2);
    QCOMPARE(model.runningBuilds(), 1);
    QCOMPARE(model.index(2, WorkerTableModel::Name).data(WorkerTableModel::NameRole).toString(),
             u"bot-off"_s);
}

void TestWorkerTableModel::relativeTimes()
{
    WorkerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QDateTime now = QDateTime(QDate(2026, 1, 2), QTime(12, 0), Qt::UTC);
    model.setNow(now);
    WorkerState on = worker(u"on"_s, WorkerState::Phase::Connected);
    on.connectedSince = now.addSecs(-125);
    WorkerState off = worker(u"off"_s);
    off.lastSeen = now.addSecs(-3 * 3600);
    WorkerState never = worker(u"never"_s);
    model.apply({on, off, never});
    QCOMPARE(model.index(0, WorkerTableModel::Since).data().toString(), u"2 min ago"_s);
    QCOMPARE(model.index(1, WorkerTableModel::Since).data().toString(), u"3 h ago"_s);
    QCOMPARE(model.index(2, WorkerTableModel::Since).data().toString(), u"never"_s);
    // The exact time is the tooltip.
    const QString tip = model.index(0, WorkerTableModel::Since).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(on.connectedSince.toLocalTime().toString(Qt::ISODate)), qPrintable(tip));
    QCOMPARE(model.index(0, WorkerTableModel::Since).data(WorkerTableModel::SortRole).toLongLong(),
             on.connectedSince.toMSecsSinceEpoch());

    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.setNow(now.addSecs(3600));
    model.refreshTimes();
    QCOMPARE(changes.size(), 1);
    QCOMPARE(model.index(0, WorkerTableModel::Since).data().toString(), u"1 h ago"_s);
}

void TestWorkerTableModel::tenThousandRows()
{
    WorkerTableModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(WorkerTableModel::SortRole);
    proxy.setFilterKeyColumn(-1);
    proxy.sort(WorkerTableModel::Name);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QList<WorkerState> all;
    for (int i = 0; i < 10000; ++i)
        all << worker(u"bot-%1"_s.arg(i, 5, 10, QChar(u'0')));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    model.apply(all);
    QCOMPARE(model.rowCount(), 10000);
    QCOMPARE(proxy.rowCount(), 10000);
    QCOMPARE(inserts.size(), 1);

    // Every worker connects: one batch, updated in place.
    for (WorkerState& w : all) {
        w.phase = WorkerState::Phase::Connected;
        w.connectedSince = QDateTime::currentDateTimeUtc();
    }
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.apply(all);
    QCOMPARE(model.rowCount(), 10000);
    QCOMPARE(changes.size(), 1); // adjacent rows: one range
    QCOMPARE(model.connectedCount(), 10000);

    // Every other worker changes: one signal for the span, not 5,000 (nor a reset).
    QList<WorkerState> half;
    for (int i = 0; i < 10000; i += 2)
        half << all.at(i);
    changes.clear();
    model.apply(half);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.at(0).at(0).toModelIndex().row(), 0);
    QCOMPARE(changes.at(0).at(1).toModelIndex().row(), 9998);
    // A few scattered rows: one signal each.
    changes.clear();
    model.apply({all.at(10), all.at(500), all.at(501), all.at(9000)});
    QCOMPARE(changes.size(), 3);
    QCOMPARE(resets.size(), 0);

    proxy.setFilterFixedString(u"bot-0999"_s);
    QCOMPARE(proxy.rowCount(), 10);
    proxy.setFilterFixedString(QString());
    QCOMPARE(proxy.index(0, 0).data().toString(), u"bot-00000"_s);
    model.remove(u"bot-00000"_s);
    QCOMPARE(model.rowCount(), 9999);
    QCOMPARE(model.rowOf(u"bot-09999"_s), 9998);
}

void TestWorkerTableModel::proxyFiltersAndSorts()
{
    WorkerTableModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(WorkerTableModel::SortRole);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkerState a = worker(u"alpha"_s, WorkerState::Phase::Connected, 2);
    WorkerState b = worker(u"beta"_s);
    WorkerState c = worker(u"gamma"_s, WorkerState::Phase::Connected, 1);
    model.apply({c, a, b});
    proxy.sort(WorkerTableModel::Builds, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"alpha"_s);
    QCOMPARE(proxy.index(1, 0).data().toString(), u"gamma"_s);
    proxy.setFilterFixedString(u"DISCONNECTED"_s);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"beta"_s);
    b.phase = WorkerState::Phase::Connected; // it connects: out of the filtered view
    model.apply({b});
    QCOMPARE(proxy.rowCount(), 0);
}

QTEST_MAIN(TestWorkerTableModel)
#include "tst_worker_table_model.moc"
