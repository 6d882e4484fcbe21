#pragma once

#include "engine/BuildInfo.h"

#include <QStringList>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace ym {
class Master;
}

namespace ym::ui {

class BuildersModel;
class BuildsModel;
class ForceBuildDialog;
class LogViewer;

// The builders, builds and logs tab of the console. Talks to the engine only
// through its face: builders and builds arrive as snapshots (buildersChanged,
// buildChanged, Master::readBuilders/readBuilds), forced builds and stops
// go out as queued requestBuild/requestStop calls, whose refusals
// (buildRequestFailed) are shown in the panel. `master` lives on the engine
// thread and must outlive the panel; the panel may be made before or after
// the engine started.
class BuildsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuildsPanel)

public:
    static constexpr int HistoryLimit = 500;

    explicit BuildsPanel(Master* master, QWidget* parent = nullptr);
    ~BuildsPanel() override;

    BuildersModel* buildersModel() const { return m_builders; }
    BuildsModel* buildsModel() const { return m_builds; }
    LogViewer* logViewer() const { return m_log; }
    QAction* forceBuildAction() const { return m_forceAction; }
    QString message() const; // the last refusal or notice shown

    // Opens the (window-modal, non-blocking) force dialog for `builder`; its
    // OK sends the request. Returns the dialog (deleted when closed).
    ForceBuildDialog* openForceBuildDialog(const QString& builder);
    void selectBuilder(const QString& builder);
    // Selects the build's row and shows its log.
    void selectBuild(qint64 buildId);

private:
    void load();
    void onBuildChanged(const BuildInfo& build);
    void showMessage(const QString& text, bool error);
    QString selectedBuilder() const;
    void selectBuildRow(int sourceRow);
    void buildSelectionChanged();

    Master* m_master;
    BuildersModel* m_builders = nullptr;
    BuildsModel* m_builds = nullptr;
    QSortFilterProxyModel* m_buildersProxy = nullptr;
    QSortFilterProxyModel* m_buildsProxy = nullptr;
    QTableView* m_buildersView = nullptr;
    QTableView* m_buildsView = nullptr;
    LogViewer* m_log = nullptr;
    QAction* m_forceAction = nullptr;
    QLabel* m_message = nullptr;
    QTimer m_durations;
    QStringList m_forcedBuilders; // requests sent; their queued rows get selected
};

} // namespace ym::ui
