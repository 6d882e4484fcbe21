#pragma once

#include "engine/BuildInfo.h"
#include "storage/StorageRecords.h"

#include <QTextCharFormat>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace ym {
class Master;
}

namespace ym::ui {

// One build's steps and the selected step's log. stdout, stderr, the
// master's header lines and other logs are shown in distinct colours. While
// the build runs, the view polls the engine (Master::readSteps/readLog, never
// blocking) and follows the newest step and the end of its log; it keeps the
// last MaxLines lines. "Stop build" asks for a reason and emits
// stopRequested: the owner sends it to the engine.
class LogViewer final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogViewer)

public:
    static constexpr int MaxLines = 20000;
    static constexpr int PollMs = 500;
    static constexpr int ChunksPerRead = 500;

    explicit LogViewer(Master* master, QWidget* parent = nullptr);
    ~LogViewer() override;

    // Shows `build` (a queued request is shown once it starts).
    void showBuild(const BuildInfo& build);
    // A newer snapshot of the shown build (others are ignored).
    void updateBuild(const BuildInfo& build);
    void clear();

    BuildInfo build() const { return m_build; }
    qint64 stepId() const { return m_stepId; }
    QList<storage::StepRecord> steps() const { return m_steps; }
    // Selects the step (by its id); turns following off unless it is the newest.
    void selectStep(qint64 stepId);
    QString logText() const;
    bool isFollowing() const;
    void setFollowing(bool follow);
    // The text format of a stream's lines.
    static QTextCharFormat formatFor(const QString& stream);

Q_SIGNALS:
    void stopRequested(qint64 buildId, const QString& reason);
    // The shown request is still queued: take it out of the queue.
    void cancelRequested(qint64 requestId, const QString& reason);

private:
    void poll();
    void readSteps();
    void readLog();
    void stepsRead(const QList<storage::StepRecord>& steps);
    void appendChunks(const QList<storage::LogChunkRecord>& chunks);
    void showStep(qint64 stepId);
    void updateHeader();
    void showError(const QString& message);
    void askStopReason();
    bool isLive() const { return m_build.state != BuildInfo::State::Finished; }

    Master* m_master;
    BuildInfo m_build;
    QList<storage::StepRecord> m_steps;
    qint64 m_stepId = 0;
    qint64 m_lastChunk = 0;
    qint64 m_linesShown = 0;
    // Replies of an older build or step are ignored.
    quint64 m_buildGeneration = 0;
    quint64 m_logGeneration = 0;
    bool m_stepsInFlight = false;
    bool m_logInFlight = false;
    // After the build finished: one complete read of the steps and the log.
    bool m_stepsComplete = false;
    bool m_logComplete = false;

    QLabel* m_title = nullptr;
    QCheckBox* m_follow = nullptr;
    QPushButton* m_stop = nullptr;
    QListWidget* m_stepList = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QLabel* m_status = nullptr;
    QTimer m_poll;
};

} // namespace ym::ui
