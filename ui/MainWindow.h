#pragma once

#include "engine/MasterInfo.h"

#include <QMainWindow>

class QLabel;
class QTabWidget;
class QTimer;

namespace ym {

class EventLogModel;
class EventLogView;
class Master;
class WorkerTableModel;
class WorkersView;

// The console's main window: tabs (workers, event log, and panels added by
// others such as builds), the worker actions in a toolbar, and a status bar
// (listening address and port, connected/total workers, running builds).
// Knows the engine only through its face; never blocks on it.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `master` lives on its own thread (or this one, in tests); it may be
    // running already or start later.
    explicit MainWindow(Master* master, QWidget* parent = nullptr);

    // Adds a tab (after Workers and before Event log). The window takes
    // ownership of `panel`. Returns the tab's index.
    int addPanel(QWidget* panel, const QString& title);
    // Adds a tab with an icon.
    int addPanel(QWidget* panel, const QIcon& icon, const QString& title);

    QTabWidget* tabs() const { return m_tabs; }
    WorkersView* workersView() const { return m_workersView; }
    WorkerTableModel* workerModel() const { return m_workers; }
    EventLogView* eventLogView() const { return m_eventView; }
    EventLogModel* eventModel() const { return m_events; }
    // The status bar's texts (tests).
    QString listenText() const;
    QString workersText() const;
    QString buildsText() const;
    QString bannerText() const;

private:
    void onStarted(bool ok, const QStringList& errors);
    void onInfo(const ym::MasterInfo& info);
    void updateCounts();
    void requestState();

    Master* m_master;
    MasterInfo m_info;
    WorkerTableModel* m_workers;
    EventLogModel* m_events;
    QTabWidget* m_tabs;
    WorkersView* m_workersView;
    EventLogView* m_eventView;
    QLabel* m_banner;
    QLabel* m_listen;
    QLabel* m_connected;
    QLabel* m_builds;
    QTimer* m_clock;
};

} // namespace ym
