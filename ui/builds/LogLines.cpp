#include "builds/LogLines.h"

#include <algorithm>

namespace ym::ui {

QList<LogRun> interleaveByTime(const QList<storage::LogChunkRecord>& chunks)
{
    struct Line
    {
        qint64 timeMs;
        int chunk;
        QStringView text;
    };
    QList<Line> lines;
    for (int c = 0; c < chunks.size(); ++c) {
        const storage::LogChunkRecord& chunk = chunks.at(c);
        const QStringView text(chunk.text);
        qsizetype start = 0;
        int index = 0;
        while (start < text.size()) {
            qsizetype end = text.indexOf(u'\n', start);
            end = end < 0 ? text.size() : end + 1;
            const quint32 offset = chunk.lineOffsets.isEmpty()        ? 0
                                   : index < chunk.lineOffsets.size() ? chunk.lineOffsets.at(index)
                                                                      : chunk.lineOffsets.last();
            lines.append(Line{chunk.timeMs + offset, c, text.mid(start, end - start)});
            start = end;
            ++index;
        }
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const Line& a, const Line& b) { return a.timeMs < b.timeMs; });
    QList<LogRun> runs;
    for (const Line& l : std::as_const(lines)) {
        const QString& stream = chunks.at(l.chunk).stream;
        if (!runs.isEmpty() && runs.last().stream == stream)
            runs.last().text += l.text;
        else
            runs.append(LogRun{stream, l.text.toString()});
    }
    return runs;
}

} // namespace ym::ui
