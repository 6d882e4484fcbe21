#include "engine/StepLog.h"

#include "storage/Store.h"

#include <QDateTime>

#include <algorithm>

namespace ym {

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
    const qsizetype lines = std::max<qsizetype>(newlines.size(), text.count(u'\n'));
    lineTimes.reserve(lines);
    for (qsizetype i = 0; i < lines; ++i) {
        const QVariant t = times.value(i);
        lineTimes << (t.isValid() ? qint64(t.toDouble() * 1000.0) : now);
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
