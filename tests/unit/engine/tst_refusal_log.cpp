#include "engine/RefusalLog.h"

#include <QTest>

using ym::RefusalLog;

class TestRefusalLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstRefusalIsReportedAtOnce();
    void repeatsAreSummarisedPerWindow();
    void kindsAreKeptApart_data();
    void kindsAreKeptApart();
    void quietKindsAreForgotten();
};

void TestRefusalLog::firstRefusalIsReportedAtOnce()
{
    QList<RefusalLog::Report> reports;
    RefusalLog log([&](const RefusalLog::Report& r) { reports << r; }, 60'000);
    log.refused(QStringLiteral("bot"), QStringLiteral("127.0.0.1:5000"),
                QStringLiteral("wrong password"), 0);
    QCOMPARE(reports.size(), 1);
    QCOMPARE(reports[0].worker, QStringLiteral("bot"));
    QCOMPARE(reports[0].peer, QStringLiteral("127.0.0.1:5000"));
    QCOMPARE(reports[0].reason, QStringLiteral("wrong password"));
    QCOMPARE(reports[0].count, 1);
}

void TestRefusalLog::repeatsAreSummarisedPerWindow()
{
    QList<RefusalLog::Report> reports;
    RefusalLog log([&](const RefusalLog::Report& r) { reports << r; }, 60'000);
    // A worker retrying every second from a new source port each time.
    for (int i = 0; i < 90; ++i)
        log.refused(QStringLiteral("bot"), QStringLiteral("127.0.0.1:%1").arg(5000 + i),
                    QStringLiteral("wrong password"), i * 1000);
    QCOMPARE(reports.size(), 1); // nothing more until the window is flushed
    log.flush(59'000);
    QCOMPARE(reports.size(), 1); // window not over yet
    log.flush(60'000);
    QCOMPARE(reports.size(), 2);
    QCOMPARE(reports[1].count, 89);
    QCOMPARE(reports[1].peer, QStringLiteral("127.0.0.1:5089"));
    QCOMPARE(reports[1].windowSeconds, 60);
    log.flush(200'000);
    QCOMPARE(reports.size(), 2); // no repeats since: no report
    QCOMPARE(log.pendingKinds(), 0);
}

void TestRefusalLog::kindsAreKeptApart_data()
{
    QTest::addColumn<QString>("worker2");
    QTest::addColumn<QString>("peer2");
    QTest::addColumn<QString>("reason2");
    QTest::addColumn<int>("expectedReports");
    QTest::newRow("same kind, other port") << "bot" << "10.0.0.1:2" << "wrong password" << 1;
    QTest::newRow("other worker") << "bot2" << "10.0.0.1:1" << "wrong password" << 2;
    QTest::newRow("other host") << "bot" << "10.0.0.2:1" << "wrong password" << 2;
    QTest::newRow("other reason") << "bot" << "10.0.0.1:1" << "unknown worker name" << 2;
}

void TestRefusalLog::kindsAreKeptApart()
{
    QFETCH(QString, worker2);
    QFETCH(QString, peer2);
    QFETCH(QString, reason2);
    QFETCH(int, expectedReports);
    int reports = 0;
    RefusalLog log([&](const RefusalLog::Report&) { ++reports; }, 60'000);
    log.refused(QStringLiteral("bot"), QStringLiteral("10.0.0.1:1"),
                QStringLiteral("wrong password"), 0);
    log.refused(worker2, peer2, reason2, 10);
    QCOMPARE(reports, expectedReports);
}

void TestRefusalLog::quietKindsAreForgotten()
{
    int reports = 0;
    RefusalLog log([&](const RefusalLog::Report&) { ++reports; }, 1000);
    log.refused(QStringLiteral("bot"), QStringLiteral("h:1"), QStringLiteral("r"), 0);
    log.flush(1000);
    QCOMPARE(log.pendingKinds(), 0);
    log.refused(QStringLiteral("bot"), QStringLiteral("h:1"), QStringLiteral("r"), 5000);
    QCOMPARE(reports, 2); // a fresh first refusal after a quiet window is reported at once
}

QTEST_GUILESS_MAIN(TestRefusalLog)
#include "tst_refusal_log.moc"
