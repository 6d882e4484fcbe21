// interleaveByTime: the lines of per-stream log chunks back in the order
// they were written, by their own times.
#include "builds/LogLines.h"

#include <QTest>

using namespace Qt::StringLiterals;
using ym::storage::LogChunkRecord;
using ym::ui::LogRun;

namespace {
LogChunkRecord chunk(const QString& stream, qint64 timeMs, const QList<quint32>& offsets,
                     const QString& text)
{
    LogChunkRecord c;
    c.stream = stream;
    c.timeMs = timeMs;
    c.lineOffsets = offsets;
    c.lineCount = int(text.count(u'\n'));
    c.text = text;
    return c;
}
} // namespace

class TestLogLines final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interleave_data();
    void interleave();
};

void TestLogLines::interleave_data()
{
    QTest::addColumn<QList<LogChunkRecord>>("chunks");
    QTest::addColumn<QList<LogRun>>("expected");

    QTest::newRow("empty") << QList<LogChunkRecord>{} << QList<LogRun>{};
    QTest::newRow("one stream") << QList<LogChunkRecord>{chunk(u"stdout"_s, 100, {}, u"a\nb\n"_s)}
                                << QList<LogRun>{{u"stdout"_s, u"a\nb\n"_s}};
    QTest::newRow("header, stdout, stderr, header by time")
        << QList<LogChunkRecord>{chunk(u"header"_s, 100, {0, 50}, u"argv\nelapsed\n"_s),
                                 chunk(u"stdout"_s, 110, {0, 20}, u"out1\nout2\n"_s),
                                 chunk(u"stderr"_s, 120, {}, u"err\n"_s)}
        << QList<LogRun>{{u"header"_s, u"argv\n"_s},
                         {u"stdout"_s, u"out1\n"_s},
                         {u"stderr"_s, u"err\n"_s},
                         {u"stdout"_s, u"out2\n"_s},
                         {u"header"_s, u"elapsed\n"_s}};
    QTest::newRow("equal times keep the chunk order")
        << QList<LogChunkRecord>{chunk(u"stdout"_s, 100, {}, u"o\n"_s),
                                 chunk(u"stderr"_s, 100, {}, u"e\n"_s)}
        << QList<LogRun>{{u"stdout"_s, u"o\n"_s}, {u"stderr"_s, u"e\n"_s}};
    QTest::newRow("unfinished last line")
        << QList<LogChunkRecord>{chunk(u"stdout"_s, 100, {0}, u"line\npartial"_s),
                                 chunk(u"stderr"_s, 150, {}, u"e\n"_s)}
        << QList<LogRun>{{u"stdout"_s, u"line\npartial"_s}, {u"stderr"_s, u"e\n"_s}};
    QTest::newRow("log file stream")
        << QList<LogChunkRecord>{chunk(u"build.log"_s, 200, {}, u"x\n"_s),
                                 chunk(u"stdout"_s, 100, {}, u"y\n"_s)}
        << QList<LogRun>{{u"stdout"_s, u"y\n"_s}, {u"build.log"_s, u"x\n"_s}};
}

void TestLogLines::interleave()
{
    QFETCH(QList<LogChunkRecord>, chunks);
    QFETCH(QList<LogRun>, expected);
    const QList<LogRun> runs = ym::ui::interleaveByTime(chunks);
    QCOMPARE(runs.size(), expected.size());
    for (int i = 0; i < runs.size(); ++i) {
        QCOMPARE(runs.at(i).stream, expected.at(i).stream);
        QCOMPARE(runs.at(i).text, expected.at(i).text);
    }
}

QTEST_GUILESS_MAIN(TestLogLines)
#include "tst_log_lines.moc"
