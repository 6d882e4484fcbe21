// Smoke test of the side-by-side benchmark script (bench/compare.py --smoke):
// Buildbot's real 3.7 master and Yardmaster each take 200 simulated workers
// connecting at once. Correctness only: both columns are filled, every worker
// attached to each master, and the script stopped what it started.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestBenchCompareSmoke final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothMastersTakeTheSmokeLoad();
};

void TestBenchCompareSmoke::bothMastersTakeTheSmokeLoad()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString json = dir.filePath(u"results.json"_s);
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(u"/usr/bin/python3"_s,
            {QStringLiteral(YM_SOURCE_DIR "/bench/compare.py"), u"--smoke"_s, u"--only"_s,
             u"both"_s, u"--build-dir"_s, QStringLiteral(YM_BINARY_DIR), u"--json"_s, json});
    QVERIFY(p.waitForStarted());
    QVERIFY2(p.waitForFinished(540'000), "compare.py --smoke did not finish in 9 minutes");
    const QString out = QString::fromUtf8(p.readAll());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains(u"Buildbot"_s) && out.contains(u"Yardmaster"_s), qPrintable(out));

    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject results = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray loads = results.value(u"loads"_s).toArray();
    QCOMPARE(loads.size(), 1);
    const QJsonObject load = loads.first().toObject();
    QCOMPARE(load.value(u"load"_s).toString(), u"200@0"_s);
    for (const QString& master : {u"buildbot"_s, u"yardmaster"_s}) {
        const QJsonObject r = load.value(master).toObject();
        QVERIFY2(!r.contains(u"error"_s), qPrintable(master + u": "_s + r.value(u"error"_s).toString()));
        const QJsonObject lg = r.value(u"loadgen"_s).toObject();
        QCOMPARE(lg.value(u"attached"_s).toInt(), 200);
        QCOMPARE(lg.value(u"refused"_s).toInt(), 0);
        QVERIFY2(lg.value(u"master"_s).toObject().value(u"rss_kb_peak"_s).toInt() > 0,
                 qPrintable(master));
    }
    // Yardmaster exits on SIGTERM; what Buildbot does is measured, not required.
    QVERIFY2(load.value(u"yardmaster"_s).toObject().value(u"exit"_s).toString() == u"status 0"_s,
             qPrintable(load.value(u"yardmaster"_s).toObject().value(u"exit"_s).toString()));
}

QTEST_GUILESS_MAIN(TestBenchCompareSmoke)
#include "tst_bench_compare_smoke.moc"
