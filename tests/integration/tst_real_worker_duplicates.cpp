// Two real buildbot-workers with the same name and password: the second is
// refused while the first answers, and takes over once the first is frozen.
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QDeadlineTimer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

QString linkOf(const QJsonObject& worker)
{
    return worker.value(u"link_id"_s).toVariant().toString();
}

} // namespace

class TestRealWorkerDuplicates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondConnectionRefusedThenTakesOver();
};

void TestRealWorkerDuplicates::secondConnectionRefusedThenTakesOver()
{
    const QByteArray password = "dup-Pw-22";
    MasterProcess m(masterConfig({workerEntry(u"bot-dup"_s)}));
    m.writeSecret(u"worker/bot-dup"_s, password);
    QVERIFY(m.start());

    BuildbotWorker first(u"bot-dup"_s, password, m.port());
    QVERIFY(first.create());
    QVERIFY(first.start());
    QVERIFY(m.waitForState(u"bot-dup"_s, u"connected"_s, 60000));
    const QJsonObject attached = m.worker(u"bot-dup"_s);
    const QString firstLink = linkOf(attached);
    QVERIFY(!firstLink.isEmpty());
    QCOMPARE(attached.value(u"attach_count"_s).toInt(), 1);

    // A second worker, same credentials, own folder, while the first is alive.
    const auto printsTo = [](const BuildbotWorker& w) {
        return w.log().count(u"message from master"_s);
    };
    const qsizetype printsBefore = printsTo(first);
    BuildbotWorker second(u"bot-dup"_s, password, m.port());
    QVERIFY(second.create());
    QVERIFY(second.start());
    // The master asks the first one (a `print`), which answers: the newcomer
    // is refused.
    QVERIFY(m.waitForLog(u"duplicate"_s, 60000));
    QTRY_VERIFY_WITH_TIMEOUT(printsTo(first) > printsBefore, 15000);

    // For several seconds (the second keeps retrying) the first stays attached.
    for (int i = 0; i < 24; ++i) {
        const QJsonObject wk = m.worker(u"bot-dup"_s);
        QCOMPARE(wk.value(u"state"_s).toString(), u"connected"_s);
        QCOMPARE(linkOf(wk), firstLink);
        QCOMPARE(wk.value(u"attach_count"_s).toInt(), 1);
        QTest::qWait(250);
    }

    // Freeze the first: it no longer answers, so the next attempt of the
    // second one takes over (10 s question deadline + retry delay).
    first.freeze();
    QDeadlineTimer deadline(45000);
    QJsonObject now;
    do {
        now = m.worker(u"bot-dup"_s);
        if (now.value(u"state"_s).toString() == u"connected"_s && linkOf(now) != firstLink)
            break;
        QTest::qWait(500);
    } while (!deadline.hasExpired());
    QCOMPARE(now.value(u"state"_s).toString(), u"connected"_s);
    QVERIFY2(linkOf(now) != firstLink, "the frozen connection was never replaced");
    QCOMPARE(now.value(u"attach_count"_s).toInt(), 2);
    const QString secondLink = linkOf(now);

    // Thawed, the first finds its connection gone; its reconnects are refused
    // now that the second answers, and the second stays attached.
    first.thaw();
    for (int i = 0; i < 24; ++i) {
        const QJsonObject wk = m.worker(u"bot-dup"_s);
        QCOMPARE(wk.value(u"state"_s).toString(), u"connected"_s);
        QCOMPARE(linkOf(wk), secondLink);
        QTest::qWait(250);
    }
    first.stop();
    second.stop();
    QVERIFY(m.waitForState(u"bot-dup"_s, u"disconnected"_s, 20000));
    QVERIFY(m.stop());
    QCOMPARE(m.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestRealWorkerDuplicates)
#include "tst_real_worker_duplicates.moc"
