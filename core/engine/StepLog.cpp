#include "engine/StepLog.h"

#include "storage/Store.h"

#include <QDateTime>

#include <algorithm>
#include <cstring>

namespace ym {

namespace {

// Newlines in `text`, four UTF-16 units at a time (QString::count(QChar) is a
// plain loop, and build output passes here at hundreds of MB/s).
qsizetype countNewlines(QStringView text)
{
    const char16_t* p = text.utf16();
    const qsizetype n = text.size();
    constexpr quint64 Lanes = 0x000A000A000A000AULL; // '\n' in each 16-bit lane
    constexpr quint64 Low15 = 0x7FFF7FFF7FFF7FFFULL;
    qsizetype i = 0, count = 0;
    for (; i + 4 <= n; i += 4) {
        quint64 w;
        std::memcpy(&w, p + i, 8);
        const quint64 x = w ^ Lanes; // a lane is 0 where the unit is '\n'
        // High bit of each lane set exactly when the lane is non-zero.
        const quint64 nonZero = (((x & Low15) + Low15) | x) & ~Low15;
        // One bit per lane; the multiplication sums the four into the top lane.
        count += 4 - qsizetype(((nonZero >> 15) * 0x0001000100010001ULL) >> 48);
    }
    for (; i < n; ++i)
        count += p[i] == u'\n' ? 1 : 0;
    return count;
}

} // namespace

bool StepLog::addWorkerOutput(const QString& stream, const QVariant& value)
{
    const QVariantList parts = value.toList();
    if (parts.size() < 1 || parts[0].typeId() != QMetaType::QString)
        return false;
    const QString text = parts[0].toString();
    if (text.isEmpty())
        return true;
    const QVariantList newlines = parts.value(1).toList();
    const QVariantList times = parts.value(2).toList();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<qint64> lineTimes;
    const qsizetype lines = std::max<qsizetype>(newlines.size(), countNewlines(text));
    lineTimes.reserve(lines);
    for (qsizetype i = 0; i < lines; ++i) {
        if (i >= times.size() || !times.at(i).isValid()) {
            lineTimes << now;
            continue;
        }
        const QVariant& t = times.at(i); // no copy: hundreds per update
        const double seconds = t.typeId() == QMetaType::Double
                                   ? *static_cast<const double*>(t.constData())
                                   : t.toDouble();
        lineTimes << qint64(seconds * 1000.0);
    }
    add(stream, text, lineTimes);
    return true;
}

void StepLog::addText(const QString& stream, const QString& text)
{
    QString t = text;
    if (!t.endsWith(u'\n'))
        t += u'\n';
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    add(stream, t, QList<qint64>(t.count(u'\n'), now));
}

void StepLog::add(const QString& stream, const QString& text, const QList<qint64>& lineTimesMs)
{
    // A chunk that this text would push past FlushBytes goes first: the
    // worker's updates are up to 64 KiB already, and a text that starts a
    // chunk is shared, not copied (concatenating them cost the engine thread
    // a third of its time with output streaming in).
    if (m_bytes > 0 && m_bytes + text.size() > FlushBytes)
        flush();
    auto it = m_pending.find(stream);
    if (it == m_pending.end()) {
        storage::LogChunkRecord chunk;
        chunk.stepId = m_stepId;
        chunk.stream = stream;
        chunk.firstLine = m_nextLine.value(stream);
        chunk.timeMs =
            lineTimesMs.isEmpty() ? QDateTime::currentMSecsSinceEpoch() : lineTimesMs.first();
        it = m_pending.insert(stream, chunk);
        m_order << stream;
    }
    for (qint64 t : lineTimesMs)
        it->lineOffsets << quint32(std::max<qint64>(0, t - it->timeMs));
    it->lineCount += int(lineTimesMs.size());
    it->text += text;
    m_nextLine[stream] += int(lineTimesMs.size());
    m_bytes += text.size();
    if (m_bytes >= FlushBytes)
        flush();
}

void StepLog::flush()
{
    for (const QString& stream : std::as_const(m_order)) {
        storage::LogChunkRecord chunk = m_pending.take(stream);
        if (std::all_of(chunk.lineOffsets.cbegin(), chunk.lineOffsets.cend(),
                        [](quint32 o) { return o == 0; }))
            chunk.lineOffsets.clear(); // all lines at timeMs
        m_store.appendLog(chunk);
    }
    m_order.clear();
    m_pending.clear();
    m_bytes = 0;
}

} // namespace ym
