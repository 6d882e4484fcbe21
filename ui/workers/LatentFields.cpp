#include "workers/LatentFields.h"

#include "config/ConfigLoader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ym {

namespace {
QLabel* errorLabel(const QString& name, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    label->setStyleSheet(QStringLiteral("color: #c5221f;"));
    label->setWordWrap(true);
    label->hide();
    return label;
}

void showText(QLabel* label, const QString& text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}
} // namespace

LatentFields::LatentFields(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("latentFields"));
    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);

    m_connection = new QLineEdit(this);
    m_connection->setObjectName(QStringLiteral("connection"));
    m_connection->setPlaceholderText(tr("e.g. qemu:///session"));
    m_connectionError = errorLabel(QStringLiteral("connectionError"), this);
    m_test = new QPushButton(tr("&Test connection"), this);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_test->setToolTip(tr("Open the connection and list its domains"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("testBusy"));
    m_busy->setRange(0, 0); // busy indicator
    m_busy->setMaximumWidth(80);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_testResult = new QLabel(this);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult->hide();
    auto* connRow = new QHBoxLayout;
    connRow->addWidget(m_connection, 1);
    connRow->addWidget(m_test);
    connRow->addWidget(m_busy);
    auto* connBox = new QVBoxLayout;
    connBox->addLayout(connRow);
    connBox->addWidget(m_connectionError);
    connBox->addWidget(m_testResult);
    form->addRow(buddyLabel(tr("&Connection:"), m_connection, this), connBox);

    m_hdImage = new QLineEdit(this);
    m_hdImage->setObjectName(QStringLiteral("hdImage"));
    m_hdImage->setPlaceholderText(tr("the domain's disk, e.g. /var/lib/yardmaster/bot.qcow2"));
    form->addRow(buddyLabel(tr("&Disk image:"), m_hdImage, this), m_hdImage);
    m_baseImage = new QLineEdit(this);
    m_baseImage->setObjectName(QStringLiteral("baseImage"));
    m_baseImage->setPlaceholderText(tr("optional: a fresh overlay of it for every start"));
    m_imageError = errorLabel(QStringLiteral("imageError"), this);
    auto* baseBox = new QVBoxLayout;
    baseBox->addWidget(m_baseImage);
    baseBox->addWidget(m_imageError);
    form->addRow(buddyLabel(tr("&Base image:"), m_baseImage, this), baseBox);

    m_domainSource = new QComboBox(this);
    m_domainSource->setObjectName(QStringLiteral("domainSource"));
    m_domainSource->addItem(tr("Defined in libvirt (named like the worker)"));
    m_domainSource->addItem(tr("Transient, from an XML file"));
    m_domainSource->addItem(tr("Transient, from XML written here"));
    m_xmlFile = new QLineEdit(this);
    m_xmlFile->setObjectName(QStringLiteral("xmlFile"));
    m_xmlFile->setPlaceholderText(tr("absolute path of the domain XML"));
    m_xml = new QPlainTextEdit(this);
    m_xml->setObjectName(QStringLiteral("xml"));
    m_xml->setPlaceholderText(tr("<domain type='kvm'>…</domain>"));
    m_xml->setMaximumHeight(100);
    m_xmlError = errorLabel(QStringLiteral("xmlError"), this);
    auto* domainBox = new QVBoxLayout;
    domainBox->addWidget(m_domainSource);
    domainBox->addWidget(m_xmlFile);
    domainBox->addWidget(m_xml);
    domainBox->addWidget(m_xmlError);
    form->addRow(buddyLabel(tr("Dom&ain:"), m_domainSource, this), domainBox);

    m_buildWait = new QSpinBox(this);
    m_buildWait->setObjectName(QStringLiteral("buildWaitTimeout"));
    m_buildWait->setRange(0, configlimits::MaxSeconds);
    m_buildWait->setSuffix(tr(" s"));
    m_neverStop = new QCheckBox(tr("Never stop automatically"), this);
    m_neverStop->setObjectName(QStringLiteral("neverStop"));
    auto* hint = new QLabel(tr("Idle time after the last build before the instance is stopped; "
                               "0 stops it right after each build."),
                            this);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto* waitRow = new QHBoxLayout;
    waitRow->addWidget(m_buildWait);
    waitRow->addWidget(m_neverStop);
    waitRow->addStretch();
    auto* waitBox = new QVBoxLayout;
    waitBox->addLayout(waitRow);
    waitBox->addWidget(hint);
    form->addRow(buddyLabel(tr("&Stop when idle after:"), m_buildWait, this), waitBox);

    m_otherError = errorLabel(QStringLiteral("latentError"), this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(m_otherError);

    for (QLineEdit* e : {m_connection, m_hdImage, m_baseImage, m_xmlFile})
        connect(e, &QLineEdit::textChanged, this, [this] {
            updateEnabled();
            Q_EMIT changed();
        });
    connect(m_xml, &QPlainTextEdit::textChanged, this, &LatentFields::changed);
    connect(m_buildWait, &QSpinBox::valueChanged, this, &LatentFields::changed);
    connect(m_neverStop, &QCheckBox::toggled, this, [this] {
        updateEnabled();
        Q_EMIT changed();
    });
    connect(m_domainSource, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        Q_EMIT changed();
    });
    connect(m_test, &QPushButton::clicked, this, &LatentFields::testRequested);
    load(LatentConfig{});
}

void LatentFields::load(const LatentConfig& config)
{
    m_initial = config;
    const LibvirtConfig& v = config.libvirt;
    m_connection->setText(v.connection);
    m_hdImage->setText(v.hdImage);
    m_baseImage->setText(v.baseImage);
    m_xmlFile->setText(v.xmlFile);
    m_xml->setPlainText(v.xmlFile.isEmpty() ? v.xml : QString());
    m_domainSource->setCurrentIndex(int(!v.xmlFile.isEmpty() ? DomainSource::XmlFile
                                        : !v.xml.isEmpty()   ? DomainSource::InlineXml
                                                             : DomainSource::Defined));
    m_neverStop->setChecked(config.buildWaitTimeout < 0);
    m_buildWait->setValue(config.buildWaitTimeout < 0 ? LatentConfig::DefaultBuildWaitTimeout
                                                      : config.buildWaitTimeout);
    updateEnabled();
}

LatentConfig LatentFields::config() const
{
    LatentConfig c = m_initial;
    c.driver = LatentConfig::Driver::Libvirt;
    c.buildWaitTimeout = m_neverStop->isChecked() ? -1 : m_buildWait->value();
    LibvirtConfig& v = c.libvirt;
    v.connection = m_connection->text().trimmed();
    v.hdImage = m_hdImage->text().trimmed();
    v.baseImage = m_baseImage->text().trimmed();
    switch (DomainSource(m_domainSource->currentIndex())) {
    case DomainSource::Defined:
        v.xml.clear();
        v.xmlFile.clear();
        break;
    case DomainSource::XmlFile:
        v.xmlFile = m_xmlFile->text().trimmed();
        // The engine reads the file when it loads the config; the text it read
        // last is kept only while the path stays the same.
        v.xml = v.xmlFile == m_initial.libvirt.xmlFile ? m_initial.libvirt.xml : QString();
        break;
    case DomainSource::InlineXml:
        v.xml = m_xml->toPlainText();
        v.xmlFile.clear();
        break;
    }
    return c;
}

QMap<QString, QString> LatentFields::problems() const
{
    QMap<QString, QString> out;
    const LatentConfig c = config();
    const LibvirtConfig& v = c.libvirt;
    if (v.connection.isEmpty())
        out.insert(QStringLiteral("connection"),
                   tr("A libvirt worker needs a connection URI (e.g. qemu:///session)."));
    else if (!v.connection.contains(u':'))
        out.insert(QStringLiteral("connection"),
                   tr("\"%1\" is not a libvirt URI (e.g. qemu:///session).").arg(v.connection));
    if (!v.baseImage.isEmpty() && v.hdImage.isEmpty())
        out.insert(QStringLiteral("base_image"),
                   tr("A base image needs a disk image: the overlay of the base image is "
                      "created there for every start."));
    else if (!v.baseImage.isEmpty() && v.baseImage == v.hdImage)
        out.insert(QStringLiteral("base_image"),
                   tr("The base image and the disk image must be different files."));
    switch (DomainSource(m_domainSource->currentIndex())) {
    case DomainSource::Defined:
        break;
    case DomainSource::XmlFile:
        if (v.xmlFile.isEmpty())
            out.insert(QStringLiteral("xml"), tr("Give the path of the domain XML file."));
        else if (!QDir::isAbsolutePath(v.xmlFile))
            out.insert(QStringLiteral("xml"),
                       tr("The XML file needs an absolute path: %1").arg(v.xmlFile));
        else if (!QFileInfo(v.xmlFile).isFile())
            out.insert(QStringLiteral("xml"), tr("The XML file %1 does not exist.").arg(v.xmlFile));
        break;
    case DomainSource::InlineXml:
        if (v.xml.trimmed().isEmpty())
            out.insert(QStringLiteral("xml"), tr("Write the domain XML, or choose another kind of "
                                                 "domain."));
        break;
    }
    return out;
}

void LatentFields::showProblems(const QMap<QString, QString>& problems, const QString& other)
{
    showText(m_connectionError, problems.value(QStringLiteral("connection")));
    QStringList images;
    for (const QString& key : {QStringLiteral("hd_image"), QStringLiteral("base_image")})
        if (problems.contains(key))
            images << problems.value(key);
    showText(m_imageError, images.join(u'\n'));
    showText(m_xmlError, problems.value(QStringLiteral("xml")));
    showText(m_otherError, other);
}

void LatentFields::setTesting(bool testing)
{
    m_testing = testing;
    m_busy->setVisible(testing);
    if (testing)
        showText(m_testResult, tr("Connecting…"));
    m_testResult->setStyleSheet(QString());
    updateEnabled();
}

void LatentFields::showTestResult(const QString& summary, const QString& error)
{
    setTesting(false);
    if (error.isEmpty()) {
        m_testResult->setStyleSheet(QStringLiteral("color: #1d6b2d;"));
        showText(m_testResult, summary.isEmpty() ? tr("Connected.") : summary);
    } else {
        m_testResult->setStyleSheet(QStringLiteral("color: #c5221f;"));
        showText(m_testResult, tr("Connection failed: %1").arg(error));
    }
}

QString LatentFields::testResultText() const
{
    return m_testResult->isHidden() ? QString() : m_testResult->text();
}

void LatentFields::updateEnabled()
{
    const auto source = DomainSource(m_domainSource->currentIndex());
    m_xmlFile->setVisible(source == DomainSource::XmlFile);
    m_xml->setVisible(source == DomainSource::InlineXml);
    m_buildWait->setEnabled(!m_neverStop->isChecked());
    m_test->setEnabled(!m_testing && !m_connection->text().trimmed().isEmpty());
}

} // namespace ym
