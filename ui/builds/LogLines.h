#pragma once

#include "storage/StorageRecords.h"

#include <QList>
#include <QString>

namespace ym::ui {

// A run of text of one stream, ready to be shown.
struct LogRun
{
    QString stream;
    QString text;

    bool operator==(const LogRun&) const = default;
};

// The engine stores a step's output in chunks per stream, so within one
// flush stdout, stderr and header lines are apart. This puts the lines of
// `chunks` back in the order they were written, by their own times (lines
// with equal times keep the chunks' order), and joins neighbouring lines of
// the same stream into one run.
QList<LogRun> interleaveByTime(const QList<storage::LogChunkRecord>& chunks);

} // namespace ym::ui
