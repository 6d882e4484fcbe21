#pragma once

#include <QDateTime>
#include <QFile>
#include <QSaveFile>
#include <QString>

#include <memory>
#include <optional>

namespace ym {

// The master's side of one file transfer step (engine thread only).
struct Transfer
{
    QString workerPath; // the file on the worker
    QString masterPath; // the file on the master (upload: its final name)
    qint64 bytes = 0;   // moved so far

    // Upload: chunks go to a temporary file next to masterPath, renamed into
    // place when the command succeeds (discarded otherwise).
    std::unique_ptr<QSaveFile> sink;
    std::optional<qint64> maxsize;
    std::optional<int> mode;
    bool closed = false;
    bool overflow = false; // more than maxsize was offered
    QString error;         // a write failure on the master
    std::optional<QDateTime> accessTime;
    std::optional<QDateTime> modifiedTime;

    // Download: the master file being read.
    std::unique_ptr<QFile> source;
};

} // namespace ym
