#pragma once

#include "storage/StorageRecords.h"

#include <QHash>
#include <QString>
#include <QVariant>

namespace ym {

class Store;

// The logs of one running step: output arriving from the worker is gathered
// per stream and written to the Store in chunks (flushed before a text would
// take the buffer past FlushBytes, when it reaches FlushBytes, or by the
// owner's timer), never one row per line. Lines
// are numbered per stream from 0 and keep their own times.
class StepLog
{
public:
    static constexpr qsizetype FlushBytes = 64 * 1024;

    StepLog(Store& store, qint64 stepId) : m_store(store), m_stepId(stepId) {}

    // An output value as the worker sends it: [text, [newline offsets], [times]].
    // Returns false when it is malformed (nothing is kept).
    bool addWorkerOutput(const QString& stream, const QVariant& value);
    // A line (or lines) of the master's own, timed now.
    void addText(const QString& stream, const QString& text);
    bool hasPending() const { return !m_pending.isEmpty(); }
    qsizetype pendingBytes() const { return m_bytes; }
    void flush();

private:
    void add(const QString& stream, const QString& text, const QList<qint64>& lineTimesMs);

    Store& m_store;
    qint64 m_stepId;
    QHash<QString, int> m_nextLine;
    QHash<QString, storage::LogChunkRecord> m_pending;
    QStringList m_order; // streams in the order their pending chunks began
    qsizetype m_bytes = 0;
};

} // namespace ym
