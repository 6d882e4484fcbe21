#pragma once

#include "engine/MasterInfo.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace ym {

class LatentFields;

// Add or edit one worker. Takes and returns a plain WorkerEdit; validates
// inline (with the config loader's own rules); never talks to the engine.
// OK emits submitted(); the caller saves and answers with saveFinished(),
// which closes the dialog or shows the failure in it.
class WorkerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkerDialog)

public:
    // `initial.originalName` empty: a new worker. `takenNames`: the other
    // workers' names (a new name must not be one of them).
    WorkerDialog(const WorkerEdit& initial, const QStringList& takenNames,
                 QWidget* parent = nullptr);

    // The form as it stands (ticket 0).
    WorkerEdit edit() const;
    // The problems of the form by field ("name", "password", "properties",
    // "max_builds", "keepalive_interval", "notify_on_missing", "missing_timeout";
    // libvirt workers also "connection", "hd_image", "base_image", "xml").
    QMap<QString, QString> problems() const;
    bool isSaving() const { return m_saving; }
    LatentFields* latentFields() const { return m_latent; }
    // The ticket of the connection test in flight (0: none).
    quint64 testTicket() const { return m_testTicket; }

    static QByteArray generatePassword();

public Q_SLOTS:
    // The caller's answer to submitted(): empty error closes the dialog.
    void saveFinished(const QString& error);
    void accept() override;
    // The caller's answer to testConnectionRequested(); other tickets than
    // the last one asked for are ignored.
    void connectionTested(quint64 ticket, const QString& summary, const QString& error);

Q_SIGNALS:
    void submitted(const ym::WorkerEdit& edit);
    // "Test connection": the caller asks the engine (Master::testLatentConnection)
    // and answers with connectionTested(ticket, ...).
    void testConnectionRequested(quint64 ticket, const ym::WorkerConfig& config);

private:
    void build();
    void load(const WorkerEdit& initial);
    void revalidate();
    void typeChanged();
    void requestTest();
    QJsonObject properties(QString* error) const;

    WorkerEdit m_initial;
    QStringList m_taken;
    bool m_saving = false;
    quint64 m_testTicket = 0;

    QLineEdit* m_name = nullptr;
    QComboBox* m_type = nullptr;
    LatentFields* m_latent = nullptr;
    QLabel* m_nameError = nullptr;
    QLineEdit* m_password = nullptr;
    QLabel* m_passwordHint = nullptr;
    QLabel* m_passwordError = nullptr;
    QPushButton* m_generate = nullptr;
    QTableWidget* m_properties = nullptr;
    QLabel* m_propertiesError = nullptr;
    QCheckBox* m_unlimited = nullptr;
    QSpinBox* m_maxBuilds = nullptr;
    QCheckBox* m_keepaliveDisabled = nullptr;
    QSpinBox* m_keepalive = nullptr;
    QLineEdit* m_notify = nullptr;
    QLabel* m_notifyError = nullptr;
    QSpinBox* m_missingTimeout = nullptr;
    QLabel* m_missingError = nullptr;
    QLabel* m_saveError = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace ym
