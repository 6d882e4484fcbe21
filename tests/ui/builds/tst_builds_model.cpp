// BuildsModel under QAbstractItemModelTester: live snapshots and history
// merged in place (queued -> running -> finished), stale history never
// taking a row back, 10,000-row batches, the row cap and the roles.
#include "builds/BuildText.h"
#include "builds/BuildsModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using ym::BuildInfo;
using ym::ui::BuildsModel;

namespace {

const QDateTime T0 = QDateTime(QDate(2026, 11, 1), QTime(12, 0), Qt::UTC);

BuildInfo queued(qint64 request, int retries = 0, const QString& builder = u"b1"_s)
{
    BuildInfo b;
    b.requestId = request;
    b.builder = builder;
    b.state = BuildInfo::State::Queued;
    b.reason = u"forced"_s;
    b.retries = retries;
    b.requested = T0.addSecs(request);
    return b;
}

BuildInfo running(qint64 id, qint64 request, int retries = 0, const QString& step = u"make"_s)
{
    BuildInfo b = queued(request, retries);
    b.id = id;
    b.number = int(id);
    b.worker = u"bot"_s;
    b.state = BuildInfo::State::Running;
    b.started = T0.addSecs(100 + id);
    b.currentStep = step;
    return b;
}

BuildInfo finished(qint64 id, qint64 request, const QString& result, int retries = 0)
{
    BuildInfo b = running(id, request, retries);
    b.state = BuildInfo::State::Finished;
    b.result = result;
    b.currentStep.clear();
    b.finished = b.started.addSecs(65);
    return b;
}

// One step of a scenario: a live snapshot, or a history read.
struct Op
{
    bool history = false;
    QList<BuildInfo> builds;
};
Op live(const BuildInfo& b)
{
    return Op{false, {b}};
}
Op history(const QList<BuildInfo>& list)
{
    return Op{true, list};
}

// "request:id:state:result" per row, in model order.
QStringList rows(const BuildsModel& m)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r) {
        const BuildInfo b = m.build(r);
        out << u"%1:%2:%3:%4"_s.arg(b.requestId)
                   .arg(b.id)
                   .arg(BuildInfo::stateName(b.state), b.result);
    }
    return out;
}

} // namespace

Q_DECLARE_METATYPE(QList<Op>)

class TestBuildsModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void merge_data();
    void merge();
    void tenThousandRows();
    void capDropsOldestFinished();
    void displayAndRoles();
    void durationsRefreshOnlyRunningRows();
};

void TestBuildsModel::merge_data()
{
    QTest::addColumn<QList<Op>>("ops");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("queued, running, finished")
        << QList<Op>{live(queued(1)), live(running(5, 1)), live(finished(5, 1, u"success"_s))}
        << QStringList{u"1:5:finished:success"_s};
    QTest::newRow("two requests interleaved")
        << QList<Op>{live(queued(1)), live(queued(2)), live(running(5, 1)), live(running(6, 2)),
                     live(finished(6, 2, u"failure"_s))}
        << QStringList{u"1:5:running:"_s, u"2:6:finished:failure"_s};
    QTest::newRow("step changes update the row")
        << QList<Op>{live(running(5, 1, 0, u"a"_s)), live(running(5, 1, 0, u"b"_s))}
        << QStringList{u"1:5:running:"_s};
    QTest::newRow("requeued after the worker was lost")
        << QList<Op>{live(queued(1)), live(running(5, 1)), live(finished(5, 1, u"retry"_s)),
                     live(queued(1, 1)), live(running(6, 1, 1))}
        << QStringList{u"1:5:finished:retry"_s, u"1:6:running:"_s};
    QTest::newRow("build started before the panel")
        << QList<Op>{live(running(7, 4))} << QStringList{u"4:7:running:"_s};
    QTest::newRow("history, then live")
        << QList<Op>{history({finished(3, 9, u"success"_s), running(5, 1)}),
                     live(finished(5, 1, u"failure"_s))}
        << QStringList{u"9:3:finished:success"_s, u"1:5:finished:failure"_s};
    QTest::newRow("stale queued entry in history")
        << QList<Op>{live(queued(1)), live(running(5, 1)), history({queued(1)})}
        << QStringList{u"1:5:running:"_s};
    QTest::newRow("stale running entry in history")
        << QList<Op>{live(queued(1)), live(running(5, 1)), live(finished(5, 1, u"success"_s)),
                     history({running(5, 1)})}
        << QStringList{u"1:5:finished:success"_s};
    QTest::newRow("history shows a live queued request started")
        << QList<Op>{live(queued(1)), history({running(5, 1)})} << QStringList{u"1:5:running:"_s};
    QTest::newRow("history keeps a requeued request")
        << QList<Op>{live(running(5, 1)), live(finished(5, 1, u"retry"_s)),
                     history({finished(5, 1, u"retry"_s), queued(1, 1)})}
        << QStringList{u"1:5:finished:retry"_s, u"1:0:queued:"_s};
    QTest::newRow("history with duplicates")
        << QList<Op>{history(
               {finished(3, 3, u"success"_s), finished(3, 3, u"success"_s), queued(4), queued(4)})}
        << QStringList{u"3:3:finished:success"_s, u"4:0:queued:"_s};
    QTest::newRow("history read twice")
        << QList<Op>{history({finished(3, 3, u"success"_s), queued(4)}),
                     history({finished(3, 3, u"success"_s), queued(4)})}
        << QStringList{u"3:3:finished:success"_s, u"4:0:queued:"_s};
}

void TestBuildsModel::merge()
{
    QFETCH(QList<Op>, ops);
    QFETCH(QStringList, expected);
    BuildsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    for (const Op& op : ops) {
        if (op.history)
            model.mergeHistory(op.builds);
        else
            for (const BuildInfo& b : op.builds)
                model.applyLive(b);
    }
    QCOMPARE(rows(model), expected);
    QCOMPARE(resets.count(), 0);
    // The indexes agree with the rows.
    for (int r = 0; r < model.rowCount(); ++r) {
        const BuildInfo b = model.build(r);
        if (b.id != 0)
            QCOMPARE(model.rowOfBuild(b.id), r);
        else
            QCOMPARE(model.rowOfQueuedRequest(b.requestId), r);
    }
}

void TestBuildsModel::tenThousandRows()
{
    BuildsModel model;
    // The tester walks every row on each change: it watches the batch and the
    // first updates; the rest are checked through the model's signals.
    auto tester = std::make_unique<QAbstractItemModelTester>(
        &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QList<BuildInfo> batch;
    for (int i = 1; i <= 10000; ++i)
        batch << (i % 10 == 0 ? running(i, i) : finished(i, i, u"success"_s));
    for (int i = 10001; i <= 10100; ++i)
        batch << queued(i);
    model.mergeHistory(batch);
    QCOMPARE(model.rowCount(), 10100);
    QCOMPARE(inserted.count(), 1); // one batch
    // Every running build finishes and every queued request starts, one snapshot each.
    int updates = 0;
    for (int i = 10; i <= 10000; i += 10, ++updates) {
        if (updates == 20)
            tester.reset();
        model.applyLive(finished(i, i, u"failure"_s));
    }
    for (int i = 10001; i <= 10100; ++i, ++updates)
        model.applyLive(running(i, i));
    QCOMPARE(model.rowCount(), 10100);
    QCOMPARE(inserted.count(), 1);      // updated in place
    QCOMPARE(changed.count(), updates); // one row each
    QCOMPARE(model.build(model.rowOfBuild(5000)).result, u"failure"_s);
    QCOMPARE(model.build(model.rowOfBuild(5001)).result, u"success"_s);
    QCOMPARE(model.build(model.rowOfBuild(10100)).state, BuildInfo::State::Running);
    QCOMPARE(model.rowOfQueuedRequest(10050), -1);
    // The tester again, over the whole updated model.
    QAbstractItemModelTester last(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyLive(finished(10100, 10100, u"success"_s));
    QCOMPARE(model.build(model.rowOfBuild(10100)).result, u"success"_s);
}

void TestBuildsModel::capDropsOldestFinished()
{
    BuildsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<BuildInfo> batch;
    for (int i = 1; i <= 12; ++i)
        batch << (i % 3 == 0 ? running(i, i) : finished(i, i, u"success"_s));
    model.mergeHistory(batch);
    model.setMaxRows(6);
    // 4 running builds stay; of the 8 finished ones the newest 2 stay.
    QCOMPARE(model.rowCount(), 6);
    QStringList kept;
    for (int r = 0; r < model.rowCount(); ++r)
        kept << QString::number(model.build(r).id);
    QCOMPARE(kept, (QStringList{u"3"_s, u"6"_s, u"9"_s, u"10"_s, u"11"_s, u"12"_s}));
    QCOMPARE(model.rowOfBuild(12), 5);
    QCOMPARE(model.rowOfBuild(1), -1);
    // A new build pushes out the oldest finished one.
    model.applyLive(queued(50));
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.rowOfBuild(10), -1);
    QCOMPARE(model.rowOfQueuedRequest(50), 5);
}

void TestBuildsModel::displayAndRoles()
{
    BuildsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyLive(queued(1));
    model.applyLive(finished(7, 2, u"failure"_s));
    model.applyLive(running(8, 3, 0, u"compile"_s));
    auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(row, column), role);
    };
    QCOMPARE(cell(0, BuildsModel::Status).toString(), u"queued"_s);
    QCOMPARE(cell(0, BuildsModel::Number).toString(), QString());
    QCOMPARE(cell(0, BuildsModel::Started).toString(), QString());
    QCOMPARE(cell(0, BuildsModel::Duration).toString(), QString());
    QCOMPARE(cell(0, BuildsModel::Step).toString(), QString());
    // A request held up by a latent worker says what it waits for.
    BuildInfo waiting = queued(1);
    waiting.waitingFor = u"waiting for worker vm1 to start"_s;
    model.applyLive(waiting);
    QCOMPARE(cell(0, BuildsModel::Step).toString(), u"waiting for worker vm1 to start"_s);
    QCOMPARE(cell(1, BuildsModel::Status).toString(), u"failure"_s);
    QCOMPARE(cell(1, BuildsModel::Number).toInt(), 7);
    QCOMPARE(cell(1, BuildsModel::Worker).toString(), u"bot"_s);
    QCOMPARE(cell(1, BuildsModel::Duration).toString(), u"1 min 05 s"_s);
    QCOMPARE(cell(1, BuildsModel::Duration, BuildsModel::SortRole).toLongLong(), 65000);
    QCOMPARE(cell(1, BuildsModel::Status, Qt::BackgroundRole).value<QColor>(),
             ym::ui::BuildText::resultColour(u"failure"_s));
    QVERIFY(ym::ui::BuildText::resultColour(u"failure"_s) !=
            ym::ui::BuildText::resultColour(u"success"_s));
    QCOMPARE(cell(1, BuildsModel::Started, Qt::ToolTipRole).toString(),
             T0.addSecs(107).toString(Qt::ISODateWithMs));
    QCOMPARE(cell(2, BuildsModel::Status).toString(), u"running"_s);
    QCOMPARE(cell(2, BuildsModel::Step).toString(), u"compile"_s);
    QCOMPARE(cell(2, BuildsModel::Status, Qt::BackgroundRole).value<QColor>(),
             ym::ui::BuildText::resultColour(QString()));
    QCOMPARE(cell(2, 0, BuildsModel::BuildIdRole).toLongLong(), 8);
    QCOMPARE(cell(2, 0, BuildsModel::StateRole).toInt(), int(BuildInfo::State::Running));
    QCOMPARE(model.headerData(BuildsModel::Duration, Qt::Horizontal).toString(), u"Duration"_s);
    QCOMPARE(ym::ui::BuildText::duration(2 * 3600 * 1000 + 5 * 60 * 1000), u"2 h 05 min"_s);
    QCOMPARE(ym::ui::BuildText::duration(12400), u"12 s"_s);
}

void TestBuildsModel::durationsRefreshOnlyRunningRows()
{
    BuildsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.mergeHistory({finished(1, 1, u"success"_s), running(2, 2), finished(3, 3, u"success"_s),
                        running(4, 4), finished(5, 5, u"success"_s)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.refreshDurations();
    QCOMPARE(changed.count(), 1);
    const QModelIndex from = changed.at(0).at(0).toModelIndex();
    const QModelIndex to = changed.at(0).at(1).toModelIndex();
    QCOMPARE(from.row(), 1);
    QCOMPARE(to.row(), 3);
    QCOMPARE(from.column(), int(BuildsModel::Duration));
    QCOMPARE(to.column(), int(BuildsModel::Duration));
    BuildsModel idle;
    idle.mergeHistory({finished(1, 1, u"success"_s)});
    QSignalSpy none(&idle, &QAbstractItemModel::dataChanged);
    idle.refreshDurations();
    QCOMPARE(none.count(), 0);
}

QTEST_MAIN(TestBuildsModel)
#include "tst_builds_model.moc"
