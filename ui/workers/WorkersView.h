#pragma once

#include "engine/MasterInfo.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QTimer;

namespace ym {

class LatentActions;
class Master;
class WorkerDialog;
class WorkerTableModel;

// The workers tab: a welcome with "Add worker" while none is configured,
// otherwise the live table with a filter box, and the worker actions
// (toolbar and context menu). Talks to the engine only through its face.
class WorkersView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkersView)

public:
    WorkersView(Master* master, WorkerTableModel* model, QWidget* parent = nullptr);

    QList<QAction*> workerActions() const; // for the main window's toolbar
    QAction* addAction() const { return m_add; }
    QAction* editAction() const { return m_edit; }
    QAction* removeAction() const { return m_remove; }
    QAction* pauseAction() const { return m_pause; }
    QAction* unpauseAction() const { return m_unpause; }
    QAction* shutdownAction() const { return m_shutdown; }
    QAction* disconnectAction() const { return m_disconnect; }
    QAction* copyCommandAction() const { return m_copyCommand; }
    QAction* copyCommandWithPasswordAction() const { return m_copyWithPassword; }
    // Start / stop a latent worker's instance (shown for latent workers only).
    LatentActions* latentActions() const { return m_latent; }
    // Repaints the lifecycle time of the visible latent rows (every second).
    void tickLifecycle();

    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QLineEdit* filterEdit() const { return m_filter; }
    bool showsWelcome() const;
    const MasterInfo& info() const { return m_info; }

    // Opens the dialog; OK saves through the engine (saveWorker).
    WorkerDialog* openAddDialog();
    WorkerDialog* openEditDialog(const QString& name);
    // Selects the worker's row (tests, and after adding one).
    void selectWorker(const QString& name);
    QString selectedWorker() const;
    // The command for a worker without its password (also what Copy puts on the clipboard).
    QString workerCommand(const QString& name) const;

public Q_SLOTS:
    void setInfo(const ym::MasterInfo& info);

Q_SIGNALS:
    // A short message for the status bar.
    void message(const QString& text);

private:
    void buildActions();
    void updateActions();
    void updatePage();
    void showContextMenu(const QPoint& pos);
    WorkerDialog* openDialog(const WorkerEdit& initial);
    void askPause(const QString& name);
    void confirmRemove(const QString& name);
    void confirmShutdown(const QString& name);
    void showError(const QString& title, const QString& text);
    void showAdded(const QString& name);
    QStringList namesExcept(const QString& name) const;

    Master* m_master;
    WorkerTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    MasterInfo m_info;
    bool m_haveInfo = false;
    quint64 m_nextTicket = 1;
    QHash<quint64, QPointer<WorkerDialog>> m_saving;
    QHash<quint64, QString> m_removing;
    QSet<QString> m_passwordWanted; // copy-with-password requests in flight

    QStackedWidget* m_pages = nullptr;
    QLineEdit* m_filter = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_welcome = nullptr;
    QAction* m_add = nullptr;
    QAction* m_edit = nullptr;
    QAction* m_remove = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_unpause = nullptr;
    QAction* m_shutdown = nullptr;
    QAction* m_disconnect = nullptr;
    QAction* m_copyCommand = nullptr;
    QAction* m_copyWithPassword = nullptr;
    LatentActions* m_latent = nullptr;
    QTimer* m_tick = nullptr;
};

} // namespace ym
