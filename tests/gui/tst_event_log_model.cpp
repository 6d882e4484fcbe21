// The event log model under QAbstractItemModelTester: appends, the history
// merge, the capacity, and a 10,000-event batch; and its filters.
#include "events/EventLogModel.h"
#include "events/EventLogView.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;
using ym::EngineEvent;
using ym::EventLogModel;

namespace {
const QDateTime T0 = QDateTime(QDate(2026, 3, 4), QTime(10, 0), Qt::UTC);

EngineEvent makeEvent(int second, EngineEvent::Kind kind = EngineEvent::Kind::Attached,
                      const QString& worker = u"bot"_s)
{
    return EngineEvent{T0.addSecs(second),          kind, worker, u"127.0.0.1:5000"_s,
                       u"message %1"_s.arg(second), 1};
}

QList<int> secondsOf(const EventLogModel& m)
{
    QList<int> out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << int(T0.secsTo(m.eventAt(r).time));
    return out;
}
} // namespace

class TestEventLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendAndMerge_data();
    void appendAndMerge();
    void columns();
    void tenThousand();
    void viewFilters();
};

void TestEventLogModel::appendAndMerge_data()
{
    QTest::addColumn<QList<int>>("live");
    QTest::addColumn<QList<int>>("history");
    QTest::addColumn<int>("capacity");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("append") << QList<int>{1, 2, 3} << QList<int>{} << 10 << QList<int>{1, 2, 3};
    QTest::newRow("history into empty")
        << QList<int>{} << QList<int>{1, 2} << 10 << QList<int>{1, 2};
    QTest::newRow("history older than live goes in front")
        << QList<int>{5, 6} << QList<int>{1, 2, 5, 6} << 10 << QList<int>{1, 2, 5, 6};
    QTest::newRow("history already shown") << QList<int>{5} << QList<int>{5} << 10 << QList<int>{5};
    QTest::newRow("capacity drops the oldest")
        << QList<int>{1, 2, 3, 4, 5} << QList<int>{} << 3 << QList<int>{3, 4, 5};
    QTest::newRow("capacity after merge")
        << QList<int>{4, 5} << QList<int>{1, 2, 3} << 4 << QList<int>{2, 3, 4, 5};
}

void TestEventLogModel::appendAndMerge()
{
    QFETCH(QList<int>, live);
    QFETCH(QList<int>, history);
    QFETCH(int, capacity);
    QFETCH(QList<int>, expected);
    EventLogModel model(nullptr, capacity);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    for (int s : live)
        model.append(makeEvent(s));
    QList<EngineEvent> past;
    for (int s : history)
        past << makeEvent(s);
    model.mergeHistory(past);
    QCOMPARE(secondsOf(model), expected);
    QCOMPARE(resets.size(), 0);
}

void TestEventLogModel::columns()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EngineEvent refused = makeEvent(7, EngineEvent::Kind::Refused, u"bot-x"_s);
    refused.count = 12;
    refused.message = u"wrong password"_s;
    model.append(refused);
    QCOMPARE(model.index(0, EventLogModel::Kind).data().toString(), u"login refused"_s);
    QCOMPARE(model.index(0, EventLogModel::Worker).data().toString(), u"bot-x"_s);
    QCOMPARE(model.index(0, EventLogModel::Peer).data().toString(), u"127.0.0.1:5000"_s);
    QCOMPARE(model.index(0, EventLogModel::Message).data().toString(), u"wrong password"_s);
    QCOMPARE(model.index(0, EventLogModel::Count).data().toInt(), 12);
    QCOMPARE(model.index(0, EventLogModel::Time).data(EventLogModel::SortRole).toLongLong(),
             refused.time.toMSecsSinceEpoch());
    QCOMPARE(model.index(0, EventLogModel::Time).data(Qt::ToolTipRole).toString(),
             refused.time.toString(Qt::ISODateWithMs));
    QCOMPARE(model.index(0, EventLogModel::Time).data().toString(),
             refused.time.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s));
}

void TestEventLogModel::tenThousand()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<EngineEvent> batch;
    for (int i = 0; i < 10000; ++i)
        batch << makeEvent(i, i % 2 ? EngineEvent::Kind::Detached : EngineEvent::Kind::Attached,
                           u"bot-%1"_s.arg(i));
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    model.appendMany(batch);
    QCOMPARE(inserts.size(), 1);
    QCOMPARE(model.rowCount(), 10000);
    // Past the capacity: the oldest go, one removal per append.
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);
    model.append(makeEvent(20000));
    QCOMPARE(model.rowCount(), EventLogModel::DefaultCapacity);
    QCOMPARE(removals.size(), 1);
    QCOMPARE(secondsOf(model).constFirst(), 1);
    QCOMPARE(secondsOf(model).constLast(), 20000);
}

void TestEventLogModel::viewFilters()
{
    EventLogModel model;
    ym::EventLogView view(&model);
    QAbstractItemModelTester tester(view.proxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(makeEvent(1, EngineEvent::Kind::Attached, u"bot-a"_s));
    model.append(makeEvent(2, EngineEvent::Kind::Refused, u"bot-b"_s));
    model.append(makeEvent(3, EngineEvent::Kind::Detached, u"bot-a"_s));
    QCOMPARE(view.proxy()->rowCount(), 3);
    // Newest first.
    QCOMPARE(view.proxy()->index(0, EventLogModel::Message).data().toString(), u"message 3"_s);
    view.filterEdit()->setText(u"BOT-A"_s);
    QCOMPARE(view.proxy()->rowCount(), 2);
    view.filterEdit()->clear();
    auto* kind = view.findChild<QComboBox*>(u"eventKind"_s);
    QVERIFY(kind);
    kind->setCurrentIndex(kind->findData(int(EngineEvent::Kind::Refused)));
    QCOMPARE(view.proxy()->rowCount(), 1);
    QCOMPARE(view.proxy()->index(0, EventLogModel::Worker).data().toString(), u"bot-b"_s);
    model.append(makeEvent(4, EngineEvent::Kind::Refused, u"bot-c"_s));
    QCOMPARE(view.proxy()->rowCount(), 2);
    kind->setCurrentIndex(0);
    QCOMPARE(view.proxy()->rowCount(), 4);
}

QTEST_MAIN(TestEventLogModel)
#include "tst_event_log_model.moc"
