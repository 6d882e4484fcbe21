// Runs the fuzz targets under ctest with any compiler: every seed in
// tests/fuzz/corpus, then a fixed number of deterministic mutations of them.
// (The coverage-guided run is the libFuzzer binary; see README.md.)
#include "FuzzTargets.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

class TestFuzzRegression final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void seeds();
    void mutations();

private:
    QList<QByteArray> m_seeds;
};

void TestFuzzRegression::initTestCase()
{
    const QDir dir(QStringLiteral(YM_SOURCE_DIR "/tests/fuzz/corpus"));
    const QStringList names = dir.entryList(QDir::Files, QDir::Name);
    for (const QString& name : names) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_seeds << f.readAll();
    }
    QVERIFY2(m_seeds.size() >= 8, "the seed corpus is missing");
}

void TestFuzzRegression::seeds()
{
    for (const QByteArray& s : std::as_const(m_seeds))
        QCOMPARE(ymFuzzProtocol(reinterpret_cast<const std::uint8_t*>(s.constData()),
                                std::size_t(s.size())),
                 0);
}

void TestFuzzRegression::mutations()
{
    QRandomGenerator rng(20261127); // fixed: the same inputs on every run
    int runs = 0;
    for (int i = 0; i < 60000; ++i) {
        QByteArray in = m_seeds[int(rng.bounded(m_seeds.size()))];
        const int edits = 1 + int(rng.bounded(6));
        for (int e = 0; e < edits && !in.isEmpty(); ++e) {
            const int pos = 1 + int(rng.bounded(qMax<qsizetype>(1, in.size() - 1)));
            switch (rng.bounded(5)) {
            case 0: // flip a byte
                if (pos < in.size())
                    in[pos] = char(rng.bounded(256));
                break;
            case 1: // insert bytes
                in.insert(pos, QByteArray(1 + int(rng.bounded(8)), char(rng.bounded(256))));
                break;
            case 2: // cut
                in.truncate(pos);
                break;
            case 3: // duplicate a slice
                in.insert(pos, in.mid(pos, int(rng.bounded(32))));
                break;
            default: // extreme values where lengths tend to be
                if (pos < in.size())
                    in[pos] = char(rng.bounded(2) ? 0xff : 0x7f);
                break;
            }
        }
        ymFuzzProtocol(reinterpret_cast<const std::uint8_t*>(in.constData()),
                       std::size_t(in.size()));
        ++runs;
    }
    QCOMPARE(runs, 60000); // got here: no crash, no violated property (those abort)
}

QTEST_GUILESS_MAIN(TestFuzzRegression)
#include "tst_fuzz_regression.moc"
