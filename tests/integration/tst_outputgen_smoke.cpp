// Smoke test of the build-output benchmark (bench/outputgen, ym-outputgen)
// end to end against a real `yardmaster --headless` it starts itself: 3
// simulated workers stream 3 MB of stdout into 3 builds. Everything sent must
// be stored, line for line; every build succeeds; every `update` is answered;
// the `ctl log --follow` reader prints every line of its build once, in order.
// Correctness only: speed is the benchmark's business.
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestOutputgenSmoke final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void streamsStoresAndFollows();
    void refusesBadOptions();
};

void TestOutputgenSmoke::streamsStoresAndFollows()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess gen;
    gen.start(QStringLiteral(YM_OUTPUTGEN_EXE),
              {u"--workers"_s, u"3"_s, u"--mb"_s, u"3"_s, u"--line-bytes"_s, u"90"_s, u"--idle"_s,
               u"1.5"_s, u"--timeout"_s, u"300"_s, u"--yardmaster"_s,
               QStringLiteral(YM_YARDMASTER_EXE), u"--dir"_s, dir.path(), u"--json"_s});
    QVERIFY2(gen.waitForStarted(10000), qPrintable(gen.errorString()));
    QVERIFY(gen.waitForFinished(360000));
    const QByteArray err = gen.readAllStandardError();
    const QList<QByteArray> lines = gen.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    const QJsonObject r = QJsonDocument::fromJson(lines.first()).object();
    QVERIFY2(!r.isEmpty(), err.constData());
    qInfo().noquote() << "ym-outputgen report:" << QString::fromUtf8(lines.first());
    QCOMPARE(gen.exitStatus(), QProcess::NormalExit);
    QVERIFY2(gen.exitCode() == 0, err.constData());
    QVERIFY(r.value(u"passed"_s).toBool());
    QVERIFY(r.value(u"completed"_s).toBool());

    // 3 MB in whole lines of 90 bytes, split over 3 workers.
    const qint64 sent = r.value(u"bytes_sent"_s).toInteger();
    QCOMPARE(r.value(u"lines_sent"_s).toInteger() * 90, sent);
    QVERIFY(qAbs(sent - 3'000'000) < 3 * 90);
    const QJsonObject stored = r.value(u"stored"_s).toObject();
    QCOMPARE(stored.value(u"bytes"_s).toInteger(), sent);
    QCOMPARE(stored.value(u"lines"_s).toInteger(), r.value(u"lines_sent"_s).toInteger());
    QVERIFY2(stored.value(u"verified"_s).toBool(), qPrintable(stored.value(u"error"_s).toString()));
    QCOMPARE(r.value(u"builds_success"_s).toInt(), 3);
    QCOMPARE(r.value(u"error_responses"_s).toInt(), 0);
    QCOMPARE(r.value(u"disconnects"_s).toInt(), 0);

    // Batches as the worker makes them: 65536 / (90 + 16) = 618 lines at most.
    const qint64 updates = r.value(u"updates_sent"_s).toInteger();
    QVERIFY(updates >= r.value(u"lines_sent"_s).toInteger() / 618);
    QCOMPARE(r.value(u"update_ack_ms"_s).toObject().value(u"count"_s).toInteger(), updates);
    QVERIFY(r.value(u"keepalives_answered"_s).toInt() > 0);

    const QJsonObject follow = r.value(u"follow"_s).toObject();
    QVERIFY2(follow.value(u"ok"_s).toBool(), qPrintable(follow.value(u"error"_s).toString()));
    QCOMPARE(follow.value(u"exit_code"_s).toInt(), 0);
    QCOMPARE(follow.value(u"bad_lines"_s).toInt(), 0);
    QCOMPARE(follow.value(u"lines"_s).toInteger(), follow.value(u"lines_expected"_s).toInteger());
    QVERIFY(follow.value(u"lines"_s).toInteger() > 0);
    QCOMPARE(follow.value(u"lag_ms"_s).toObject().value(u"count"_s).toInteger(),
             follow.value(u"lines"_s).toInteger());

    const QJsonObject master = r.value(u"master"_s).toObject();
    QVERIFY(master.value(u"rss_kb_peak"_s).toDouble() > 0);
    QVERIFY(master.value(u"cpu_s_streaming"_s).toDouble() > 0);
    // The run folder is removed unless --keep.
    QVERIFY(QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

void TestOutputgenSmoke::refusesBadOptions()
{
    QProcess gen;
    gen.start(QStringLiteral(YM_OUTPUTGEN_EXE), {u"--workers"_s, u"0"_s});
    QVERIFY(gen.waitForFinished(30000));
    QCOMPARE(gen.exitCode(), 2);
    QVERIFY(gen.readAllStandardError().contains("--workers must be 1..10000"));
}

QTEST_GUILESS_MAIN(TestOutputgenSmoke)
#include "tst_outputgen_smoke.moc"
