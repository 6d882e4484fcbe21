#pragma once

#include "config/MasterConfig.h"

#include <QMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ym {

// The worker dialog's latent part: the libvirt fields (connection URI,
// hd_image, base_image, the domain: defined / XML file / inline XML),
// build_wait_timeout, and "Test connection" with its answer. A plain form:
// it never talks to the engine (testRequested() asks the dialog's caller).
class LatentFields final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatentFields)

public:
    enum class DomainSource
    {
        Defined, // the domain defined in libvirt under the worker's name
        XmlFile,
        InlineXml,
    };

    explicit LatentFields(QWidget* parent = nullptr);

    // Fills the fields (driver Libvirt assumed: the caller shows them only then).
    void load(const LatentConfig& config);
    // The fields as a LatentConfig with driver Libvirt.
    LatentConfig config() const;
    // Problems by field: "connection", "hd_image", "base_image", "xml".
    QMap<QString, QString> problems() const;
    // Shows problems under their fields (and `other` ones at the end).
    void showProblems(const QMap<QString, QString>& problems, const QString& other);

    // Test connection: busy (button disabled, indicator) until showTestResult().
    void setTesting(bool testing);
    bool isTesting() const { return m_testing; }
    void showTestResult(const QString& summary, const QString& error);
    QString testResultText() const;

Q_SIGNALS:
    void changed();
    void testRequested();

private:
    void updateEnabled();

    LatentConfig m_initial;
    bool m_testing = false;
    QLineEdit* m_connection = nullptr;
    QLabel* m_connectionError = nullptr;
    QLineEdit* m_hdImage = nullptr;
    QLineEdit* m_baseImage = nullptr;
    QLabel* m_imageError = nullptr;
    QComboBox* m_domainSource = nullptr;
    QLineEdit* m_xmlFile = nullptr;
    QPlainTextEdit* m_xml = nullptr;
    QLabel* m_xmlError = nullptr;
    QSpinBox* m_buildWait = nullptr;
    QCheckBox* m_neverStop = nullptr;
    QLabel* m_otherError = nullptr;
    QPushButton* m_test = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_testResult = nullptr;
};

} // namespace ym
