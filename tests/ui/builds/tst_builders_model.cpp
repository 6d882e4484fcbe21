// BuildersModel under QAbstractItemModelTester: builder lists merged in place
// (insert, update, remove), each builder's latest build, 10,000 builders.
#include "builds/BuildersModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using ym::BuilderInfo;
using ym::BuildInfo;
using ym::ui::BuildersModel;

namespace {

// "name" or "name:steps" -> a builder with that many steps, worker "w-NAME".
BuilderInfo builder(const QString& spec)
{
    const QStringList parts = spec.split(u':');
    BuilderInfo b;
    b.name = parts.first();
    b.workernames = {u"w-"_s + b.name};
    const int steps = parts.size() > 1 ? parts.at(1).toInt() : 1;
    for (int i = 0; i < steps; ++i)
        b.steps << u"step%1"_s.arg(i);
    return b;
}

QList<BuilderInfo> builders(const QStringList& specs)
{
    QList<BuilderInfo> out;
    for (const QString& s : specs)
        out << builder(s);
    return out;
}

// "name:steps" per row, in model order.
QStringList rows(const BuildersModel& m)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << u"%1:%2"_s.arg(m.builder(r).name).arg(m.builder(r).steps.size());
    return out;
}

BuildInfo build(const QString& builderName, int number, const QString& result)
{
    BuildInfo b;
    b.id = number;
    b.requestId = number;
    b.builder = builderName;
    b.number = number;
    b.state = result.isEmpty() ? BuildInfo::State::Running : BuildInfo::State::Finished;
    b.result = result;
    return b;
}

} // namespace

class TestBuildersModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void merge_data();
    void merge();
    void lastBuild();
    void tenThousandBuilders();
};

void TestBuildersModel::merge_data()
{
    QTest::addColumn<QList<QStringList>>("lists");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("inserts");
    QTest::addColumn<int>("removes");

    QTest::newRow("first list") << QList<QStringList>{{u"a"_s, u"b"_s, u"c"_s}}
                                << QStringList{u"a:1"_s, u"b:1"_s, u"c:1"_s} << 1 << 0;
    QTest::newRow("same list again") << QList<QStringList>{{u"a"_s, u"b"_s}, {u"a"_s, u"b"_s}}
                                     << QStringList{u"a:1"_s, u"b:1"_s} << 1 << 0;
    QTest::newRow("one added at the end")
        << QList<QStringList>{{u"a"_s, u"b"_s}, {u"a"_s, u"b"_s, u"c"_s}}
        << QStringList{u"a:1"_s, u"b:1"_s, u"c:1"_s} << 2 << 0;
    QTest::newRow("middle one removed, one added")
        << QList<QStringList>{{u"a"_s, u"b"_s, u"c"_s}, {u"a"_s, u"c"_s, u"d"_s}}
        << QStringList{u"a:1"_s, u"c:1"_s, u"d:1"_s} << 2 << 1;
    QTest::newRow("steps changed in place")
        << QList<QStringList>{{u"a"_s, u"b"_s}, {u"a:3"_s, u"b"_s}}
        << QStringList{u"a:3"_s, u"b:1"_s} << 1 << 0;
    QTest::newRow("neighbours removed in one range")
        << QList<QStringList>{{u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s}, {u"a"_s, u"e"_s}}
        << QStringList{u"a:1"_s, u"e:1"_s} << 1 << 1;
    QTest::newRow("all removed") << QList<QStringList>{{u"a"_s, u"b"_s}, {}} << QStringList{} << 1
                                 << 1;
    QTest::newRow("repeated name kept once")
        << QList<QStringList>{{u"a"_s, u"a"_s}} << QStringList{u"a:1"_s} << 1 << 0;
}

void TestBuildersModel::merge()
{
    QFETCH(QList<QStringList>, lists);
    QFETCH(QStringList, expected);
    QFETCH(int, inserts);
    QFETCH(int, removes);
    BuildersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (const QStringList& list : lists)
        model.setBuilders(builders(list));
    QCOMPARE(rows(model), expected);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserted.count(), inserts);
    QCOMPARE(removed.count(), removes);
    for (int r = 0; r < model.rowCount(); ++r) {
        QCOMPARE(model.rowOf(model.builder(r).name), r);
        QCOMPARE(model.data(model.index(r, BuildersModel::Workers)).toString(),
                 u"w-"_s + model.builder(r).name);
    }
}

void TestBuildersModel::lastBuild()
{
    BuildersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilders(builders({u"a"_s, u"b"_s}));
    auto last = [&](const QString& name) {
        return model.data(model.index(model.rowOf(name), BuildersModel::LastBuild)).toString();
    };
    QCOMPARE(last(u"a"_s), QString());
    model.noteBuild(build(u"a"_s, 4, QString()));
    QCOMPARE(last(u"a"_s), u"#4 running"_s);
    model.noteBuild(build(u"a"_s, 4, u"success"_s));
    QCOMPARE(last(u"a"_s), u"#4 success"_s);
    model.noteBuild(build(u"a"_s, 3, u"failure"_s)); // older: ignored
    QCOMPARE(last(u"a"_s), u"#4 success"_s);
    QVERIFY(
        model.data(model.index(model.rowOf(u"a"_s), BuildersModel::LastBuild), Qt::BackgroundRole)
            .isValid());
    model.noteBuild(build(u"zz"_s, 1, u"failure"_s)); // not configured: remembered
    model.setBuilders(builders({u"a"_s, u"b"_s, u"zz"_s}));
    QCOMPARE(last(u"zz"_s), u"#1 failure"_s);
    QCOMPARE(last(u"b"_s), QString());
    QCOMPARE(model
                 .data(model.index(model.rowOf(u"a"_s), BuildersModel::LastBuild),
                       BuildersModel::SortRole)
                 .toInt(),
             4);
}

void TestBuildersModel::tenThousandBuilders()
{
    BuildersModel model;
    // The tester walks every row on each change: it watches the batch and the
    // range removals; the many small removals are checked through the signals.
    auto tester = std::make_unique<QAbstractItemModelTester>(
        &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QStringList names;
    for (int i = 0; i < 10000; ++i)
        names << u"builder-%1"_s.arg(i, 5, 10, QLatin1Char('0'));
    model.setBuilders(builders(names));
    QCOMPARE(model.rowCount(), 10000);
    QCOMPARE(inserted.count(), 1);
    // The first and last 1,000 go: two ranges.
    const QStringList middle = names.mid(1000, 8000);
    model.setBuilders(builders(middle));
    QCOMPARE(model.rowCount(), 8000);
    QCOMPARE(removed.count(), 2);
    QCOMPARE(model.builder(0).name, u"builder-01000"_s);
    // Every other one removed: one range per removed run, rows keep their order.
    tester.reset();
    QStringList even;
    for (int i = 0; i < middle.size(); i += 2)
        even << middle.at(i);
    model.setBuilders(builders(even));
    QCOMPARE(model.rowCount(), 4000);
    QCOMPARE(removed.count(), 2 + 4000);
    QCOMPARE(model.builder(3999).name, u"builder-08998"_s);
    QCOMPARE(model.rowOf(u"builder-01002"_s), 1);
    QAbstractItemModelTester last(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilders(builders(even.mid(0, 10)));
    QCOMPARE(model.rowCount(), 10);
}

QTEST_MAIN(TestBuildersModel)
#include "tst_builders_model.moc"
