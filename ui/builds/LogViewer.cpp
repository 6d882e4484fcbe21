#include "builds/LogViewer.h"

#include "builds/BuildText.h"
#include "builds/LogLines.h"
#include "engine/Master.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTextCursor>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ym::ui {

namespace {
constexpr int StepIdRole = Qt::UserRole;
} // namespace

LogViewer::LogViewer(Master* master, QWidget* parent) : QWidget(parent), m_master(master)
{
    m_title = new QLabel(this);
    m_title->setObjectName(u"title"_s);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_follow = new QCheckBox(tr("&Follow"), this);
    m_follow->setObjectName(u"follow"_s);
    m_follow->setToolTip(tr("Show the newest step and keep the end of its log in view"));
    m_follow->setChecked(true);
    m_stop = new QPushButton(tr("&Stop build…"), this);
    m_stop->setObjectName(u"stopBuild"_s);
    m_stop->setEnabled(false);
    auto* top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_follow);
    top->addWidget(m_stop);

    m_stepList = new QListWidget(this);
    m_stepList->setObjectName(u"steps"_s);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(u"log"_s);
    m_text->setReadOnly(true);
    m_text->setUndoRedoEnabled(false);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMaximumBlockCount(MaxLines + 1);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_stepList);
    split->addWidget(m_text);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 4);

    m_status = new QLabel(this);
    m_status->setObjectName(u"status"_s);
    m_status->setWordWrap(true);
    m_status->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    m_poll.setInterval(PollMs);
    connect(&m_poll, &QTimer::timeout, this, &LogViewer::poll);
    connect(m_stop, &QPushButton::clicked, this, &LogViewer::askStopReason);
    connect(m_stepList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= m_stepList->count())
            return;
        const qint64 id = m_stepList->item(row)->data(StepIdRole).toLongLong();
        if (id != m_stepId)
            selectStep(id);
    });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on && !m_steps.isEmpty() && m_steps.last().id != m_stepId)
            showStep(m_steps.last().id);
    });
    updateHeader();
}

LogViewer::~LogViewer() = default;

QTextCharFormat LogViewer::formatFor(const QString& stream)
{
    QTextCharFormat f;
    if (stream == u"stdout")
        return f; // the palette's text colour
    if (stream == u"stderr") {
        f.setForeground(QColor(0xc6, 0x28, 0x28));
    } else if (stream == u"header") {
        f.setForeground(QColor(0x15, 0x65, 0xc0));
        f.setFontItalic(true);
    } else {
        f.setForeground(QColor(0x2e, 0x7d, 0x32)); // a log file of the step
    }
    return f;
}

bool LogViewer::isFollowing() const
{
    return m_follow->isChecked();
}

void LogViewer::setFollowing(bool follow)
{
    m_follow->setChecked(follow);
}

QString LogViewer::logText() const
{
    return m_text->toPlainText();
}

void LogViewer::clear()
{
    showBuild(BuildInfo());
}

void LogViewer::showBuild(const BuildInfo& build)
{
    const bool sameBuild = build.id != 0 && build.id == m_build.id;
    const bool sameRequest =
        m_build.id == 0 && m_build.requestId != 0 && build.requestId == m_build.requestId;
    if (sameBuild || sameRequest)
        return updateBuild(build);
    m_build = build;
    ++m_buildGeneration;
    ++m_logGeneration;
    m_stepsInFlight = m_logInFlight = false;
    m_stepsComplete = m_logComplete = false;
    m_steps.clear();
    {
        const QSignalBlocker block(m_stepList);
        m_stepList->clear();
    }
    m_stepId = 0;
    m_lastChunk = 0;
    m_linesShown = 0;
    m_text->clear();
    m_status->hide();
    updateHeader();
    m_poll.stop();
    if (m_build.id != 0) {
        m_poll.start();
        poll();
    }
}

void LogViewer::updateBuild(const BuildInfo& build)
{
    if (m_build.id == 0 && m_build.requestId != 0 && build.requestId == m_build.requestId &&
        build.id != 0) {
        // The shown request started: follow its build.
        m_build = BuildInfo();
        return showBuild(build);
    }
    if (build.id != m_build.id || (build.id == 0 && build.requestId != m_build.requestId))
        return;
    const bool wasLive = isLive();
    const bool stepChanged = build.currentStep != m_build.currentStep;
    m_build = build;
    updateHeader();
    if (m_build.id == 0)
        return;
    if (wasLive && !isLive()) {
        // Finished: one more complete read of everything.
        m_stepsComplete = m_logComplete = false;
        m_poll.start();
        poll();
    } else if (stepChanged) {
        poll();
    }
}

void LogViewer::poll()
{
    if (m_build.id == 0) {
        m_poll.stop();
        return;
    }
    if (!m_stepsInFlight && !m_stepsComplete)
        readSteps();
    if (m_stepId != 0 && !m_logInFlight && !m_logComplete)
        readLog();
    if (m_stepsComplete && m_logComplete && !isLive())
        m_poll.stop();
}

void LogViewer::readSteps()
{
    const bool complete = !isLive();
    const quint64 generation = m_buildGeneration;
    m_stepsInFlight = true;
    m_master->readSteps(
        m_build.id, this, [this, complete, generation](Result<QList<storage::StepRecord>> r) {
            if (generation != m_buildGeneration)
                return;
            m_stepsInFlight = false;
            if (!r.ok())
                return showError(tr("Cannot read the steps: %1").arg(r.error().message));
            stepsRead(r.value());
            if (complete)
                m_stepsComplete = true;
        });
}

void LogViewer::readLog()
{
    // A log is complete once read after its step (or the build) was known finished.
    bool complete = !isLive();
    for (const storage::StepRecord& s : std::as_const(m_steps))
        if (s.id == m_stepId && s.finishedMs != 0)
            complete = true;
    const quint64 generation = m_logGeneration;
    m_logInFlight = true;
    m_master->readLog(m_stepId, m_lastChunk, ChunksPerRead, this,
                      [this, complete, generation](Result<QList<storage::LogChunkRecord>> r) {
                          if (generation != m_logGeneration)
                              return;
                          m_logInFlight = false;
                          if (!r.ok())
                              return showError(
                                  tr("Cannot read the log: %1").arg(r.error().message));
                          appendChunks(r.value());
                          if (r.value().size() >= ChunksPerRead)
                              return readLog(); // more is waiting
                          if (complete)
                              m_logComplete = true;
                          if (m_stepsComplete && m_logComplete && !isLive())
                              m_poll.stop();
                      });
}

void LogViewer::stepsRead(const QList<storage::StepRecord>& steps)
{
    m_steps = steps;
    const QSignalBlocker block(m_stepList);
    while (m_stepList->count() > steps.size())
        delete m_stepList->takeItem(m_stepList->count() - 1);
    for (int i = 0; i < steps.size(); ++i) {
        const storage::StepRecord& s = steps.at(i);
        if (i >= m_stepList->count())
            m_stepList->addItem(new QListWidgetItem);
        QListWidgetItem* item = m_stepList->item(i);
        const QString state = s.finishedMs == 0 ? tr("running") : BuildText::result(s.result);
        item->setText(tr("%1. %2 (%3)").arg(s.number + 1).arg(s.name, state));
        item->setToolTip(s.summary);
        item->setData(StepIdRole, s.id);
        item->setBackground(BuildText::resultColour(s.finishedMs == 0 ? QString() : s.result));
        item->setForeground(QColor(Qt::black));
    }
    if (steps.isEmpty())
        return;
    if (m_stepId == 0 || (isFollowing() && steps.last().id != m_stepId))
        showStep(steps.last().id);
}

void LogViewer::selectStep(qint64 stepId)
{
    if (!m_steps.isEmpty() && m_steps.last().id != stepId)
        setFollowing(false);
    showStep(stepId);
    if (!m_poll.isActive())
        m_poll.start();
}

void LogViewer::showStep(qint64 stepId)
{
    m_stepId = stepId;
    ++m_logGeneration;
    m_logInFlight = false;
    m_logComplete = false;
    m_lastChunk = 0;
    m_linesShown = 0;
    m_text->clear();
    m_status->hide();
    {
        const QSignalBlocker block(m_stepList);
        for (int i = 0; i < m_stepList->count(); ++i)
            if (m_stepList->item(i)->data(StepIdRole).toLongLong() == stepId)
                m_stepList->setCurrentRow(i);
    }
    readLog();
}

void LogViewer::appendChunks(const QList<storage::LogChunkRecord>& chunks)
{
    if (chunks.isEmpty())
        return;
    QScrollBar* bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    for (const LogRun& run : interleaveByTime(chunks))
        cursor.insertText(run.text, formatFor(run.stream));
    for (const storage::LogChunkRecord& c : chunks) {
        m_lastChunk = std::max(m_lastChunk, c.id);
        m_linesShown += c.lineCount;
    }
    cursor.endEditBlock();
    if (m_linesShown > MaxLines) {
        m_status->setText(tr("Only the last %1 lines of this step are shown.").arg(MaxLines));
        m_status->show();
    }
    if (atEnd || isFollowing())
        bar->setValue(bar->maximum());
}

void LogViewer::updateHeader()
{
    if (m_build.builder.isEmpty()) {
        m_title->setText(tr("Select a build to see its log."));
    } else if (m_build.id == 0) {
        m_title->setText(
            tr("%1: %2, waiting for a worker").arg(m_build.builder, BuildText::status(m_build)));
    } else {
        QString text = tr("%1 #%2 on %3: %4")
                           .arg(m_build.builder)
                           .arg(m_build.number)
                           .arg(m_build.worker, BuildText::status(m_build));
        if (isLive() && !m_build.currentStep.isEmpty())
            text = tr("%1, step %2").arg(text, m_build.currentStep);
        m_title->setText(text);
    }
    const bool queued =
        m_build.id == 0 && m_build.requestId != 0 && m_build.state == BuildInfo::State::Queued;
    m_stop->setText(queued ? tr("&Cancel request…") : tr("&Stop build…"));
    m_stop->setEnabled(queued || (m_build.id != 0 && m_build.state == BuildInfo::State::Running));
}

void LogViewer::showError(const QString& message)
{
    m_status->setText(message);
    m_status->show();
}

void LogViewer::askStopReason()
{
    if (m_build.id == 0 && m_build.state == BuildInfo::State::Queued && m_build.requestId != 0) {
        auto* dialog = new QInputDialog(this);
        dialog->setObjectName(u"cancelReasonDialog"_s);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle(tr("Cancel build request"));
        dialog->setLabelText(tr("Cancel the queued build of %1 (request %2)? Reason:")
                                 .arg(m_build.builder)
                                 .arg(m_build.requestId));
        dialog->setTextValue(tr("cancelled from the console"));
        dialog->setOkButtonText(tr("&Cancel request"));
        const qint64 request = m_build.requestId;
        connect(dialog, &QInputDialog::textValueSelected, this,
                [this, request](const QString& reason) {
                    Q_EMIT cancelRequested(request, reason.trimmed());
                });
        dialog->open();
        return;
    }
    if (m_build.id == 0 || m_build.state != BuildInfo::State::Running)
        return;
    auto* dialog = new QInputDialog(this);
    dialog->setObjectName(u"stopReasonDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Stop build"));
    dialog->setLabelText(tr("Stop %1 #%2? Reason:").arg(m_build.builder).arg(m_build.number));
    dialog->setTextValue(tr("stopped from the console"));
    dialog->setOkButtonText(tr("&Stop build"));
    const qint64 id = m_build.id;
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, id](const QString& reason) { Q_EMIT stopRequested(id, reason.trimmed()); });
    dialog->open();
}

} // namespace ym::ui
