#include "workers/WorkerDialog.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "workers/LatentFields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ym {

namespace {
constexpr int PasswordLength = 24;
// Connection tests of every dialog share the engine's answer signal.
quint64 g_nextTestTicket = 1;

QLabel* errorLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QStringLiteral("error"));
    label->setStyleSheet(QStringLiteral("color: #c5221f;"));
    label->setWordWrap(true);
    label->hide();
    return label;
}

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

void showError(QLabel* label, const QString& text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QString valueText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    const QJsonArray wrapped{v};
    QByteArray json = QJsonDocument(wrapped).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

// Numbers, true/false/null, arrays and objects as JSON; anything else as text.
QJsonValue parseValue(const QString& text)
{
    QJsonParseError error{};
    const QJsonDocument parsed = QJsonDocument::fromJson(
        QByteArray("[") + text.trimmed().toUtf8() + QByteArray("]"), &error);
    if (error.error == QJsonParseError::NoError && parsed.array().size() == 1 &&
        !parsed.array().at(0).isString())
        return parsed.array().at(0);
    return text;
}

// The field a loader error is about: "workers[0].name: ..." -> "name".
QString fieldOf(const QString& error)
{
    static const QRegularExpression re(QStringLiteral("^workers\\[0\\]\\.([a-z_]+)"));
    const QRegularExpressionMatch m = re.match(error);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString messageOf(const QString& error)
{
    const qsizetype at = error.indexOf(QStringLiteral(": "));
    return at >= 0 ? error.mid(at + 2) : error;
}
} // namespace

WorkerDialog::WorkerDialog(const WorkerEdit& initial, const QStringList& takenNames,
                           QWidget* parent)
    : QDialog(parent), m_initial(initial), m_taken(takenNames)
{
    setObjectName(QStringLiteral("workerDialog"));
    setWindowTitle(initial.originalName.isEmpty() ? tr("Add worker")
                                                  : tr("Edit worker %1").arg(initial.originalName));
    build();
    load(initial);
    revalidate();
}

void WorkerDialog::build()
{
    auto* form = new QFormLayout;

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("e.g. bot-linux"));
    m_nameError = errorLabel(this);
    m_nameError->setObjectName(QStringLiteral("nameError"));
    auto* nameBox = new QVBoxLayout;
    nameBox->addWidget(m_name);
    nameBox->addWidget(m_nameError);
    form->addRow(buddyLabel(tr("&Name:"), m_name, this), nameBox);

    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("workerType"));
    m_type->addItem(tr("Standard (the worker connects by itself)"));
    m_type->addItem(tr("libvirt (started on demand, stopped when idle)"));
    form->addRow(buddyLabel(tr("T&ype:"), m_type, this), m_type);

    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    auto* showBox = new QCheckBox(tr("Show"), this);
    showBox->setObjectName(QStringLiteral("showPasswordBox"));
    showBox->setToolTip(tr("Show the password"));
    connect(showBox, &QCheckBox::toggled, this, [this](bool on) {
        m_password->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
    m_generate = new QPushButton(tr("&Generate"), this);
    m_generate->setObjectName(QStringLiteral("generate"));
    m_generate->setToolTip(tr("A strong random password (%1 characters)").arg(PasswordLength));
    connect(m_generate, &QPushButton::clicked, this, [this, showBox] {
        m_password->setText(QString::fromLatin1(generatePassword()));
        showBox->setChecked(true);
    });
    m_passwordHint = new QLabel(this);
    m_passwordHint->setWordWrap(true);
    m_passwordHint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_passwordError = errorLabel(this);
    m_passwordError->setObjectName(QStringLiteral("passwordError"));
    auto* pwRow = new QHBoxLayout;
    pwRow->addWidget(m_password, 1);
    pwRow->addWidget(showBox);
    pwRow->addWidget(m_generate);
    auto* pwBox = new QVBoxLayout;
    pwBox->addLayout(pwRow);
    pwBox->addWidget(m_passwordHint);
    pwBox->addWidget(m_passwordError);
    form->addRow(buddyLabel(tr("&Password:"), m_password, this), pwBox);

    m_properties = new QTableWidget(0, 2, this);
    m_properties->setObjectName(QStringLiteral("properties"));
    m_properties->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    m_properties->horizontalHeader()->setStretchLastSection(true);
    m_properties->verticalHeader()->hide();
    m_properties->setMinimumHeight(90);
    m_properties->setToolTip(
        tr("Values that read as JSON (numbers, true, false, null, [..], {..}) are stored as "
           "such; anything else as text."));
    auto* addProperty = new QPushButton(tr("Add"), this);
    addProperty->setObjectName(QStringLiteral("addProperty"));
    auto* removeProperty = new QPushButton(tr("Remove"), this);
    removeProperty->setObjectName(QStringLiteral("removeProperty"));
    connect(addProperty, &QPushButton::clicked, this, [this] {
        const int row = m_properties->rowCount();
        m_properties->insertRow(row);
        m_properties->setItem(row, 0, new QTableWidgetItem);
        m_properties->setItem(row, 1, new QTableWidgetItem);
        if (m_properties->isVisible())
            m_properties->editItem(m_properties->item(row, 0));
    });
    connect(removeProperty, &QPushButton::clicked, this, [this] {
        const int row = m_properties->currentRow();
        if (row >= 0)
            m_properties->removeRow(row);
        revalidate();
    });
    connect(m_properties, &QTableWidget::itemChanged, this, [this] { revalidate(); });
    m_propertiesError = errorLabel(this);
    m_propertiesError->setObjectName(QStringLiteral("propertiesError"));
    auto* propButtons = new QVBoxLayout;
    propButtons->addWidget(addProperty);
    propButtons->addWidget(removeProperty);
    propButtons->addStretch();
    auto* propRow = new QHBoxLayout;
    propRow->addWidget(m_properties, 1);
    propRow->addLayout(propButtons);
    auto* propBox = new QVBoxLayout;
    propBox->addLayout(propRow);
    propBox->addWidget(m_propertiesError);
    form->addRow(buddyLabel(tr("P&roperties:"), m_properties, this), propBox);

    m_maxBuilds = new QSpinBox(this);
    m_maxBuilds->setObjectName(QStringLiteral("maxBuilds"));
    m_maxBuilds->setRange(1, 100000);
    m_unlimited = new QCheckBox(tr("Unlimited"), this);
    m_unlimited->setObjectName(QStringLiteral("unlimited"));
    connect(m_unlimited, &QCheckBox::toggled, m_maxBuilds, &QWidget::setDisabled);
    auto* maxRow = new QHBoxLayout;
    maxRow->addWidget(m_maxBuilds);
    maxRow->addWidget(m_unlimited);
    maxRow->addStretch();
    form->addRow(buddyLabel(tr("&Max builds:"), m_maxBuilds, this), maxRow);

    m_keepalive = new QSpinBox(this);
    m_keepalive->setObjectName(QStringLiteral("keepalive"));
    m_keepalive->setRange(1, configlimits::MaxSeconds);
    m_keepalive->setSuffix(tr(" s"));
    m_keepaliveDisabled = new QCheckBox(tr("Disabled"), this);
    m_keepaliveDisabled->setObjectName(QStringLiteral("keepaliveDisabled"));
    connect(m_keepaliveDisabled, &QCheckBox::toggled, m_keepalive, &QWidget::setDisabled);
    auto* kaRow = new QHBoxLayout;
    kaRow->addWidget(m_keepalive);
    kaRow->addWidget(m_keepaliveDisabled);
    kaRow->addStretch();
    form->addRow(buddyLabel(tr("&Keepalive interval:"), m_keepalive, this), kaRow);

    m_notify = new QLineEdit(this);
    m_notify->setObjectName(QStringLiteral("notify"));
    m_notify->setPlaceholderText(tr("admin@example.org, oncall@example.org"));
    m_notifyError = errorLabel(this);
    m_notifyError->setObjectName(QStringLiteral("notifyError"));
    auto* notifyBox = new QVBoxLayout;
    notifyBox->addWidget(m_notify);
    notifyBox->addWidget(m_notifyError);
    form->addRow(buddyLabel(tr("N&otify when missing:"), m_notify, this), notifyBox);

    m_missingTimeout = new QSpinBox(this);
    m_missingTimeout->setObjectName(QStringLiteral("missingTimeout"));
    m_missingTimeout->setRange(1, configlimits::MaxSeconds);
    m_missingTimeout->setSuffix(tr(" s"));
    m_missingError = errorLabel(this);
    form->addRow(buddyLabel(tr("M&issing timeout:"), m_missingTimeout, this), m_missingTimeout);
    form->addRow(QString(), m_missingError);

    m_latent = new LatentFields(this);
    m_latent->hide();
    connect(m_latent, &LatentFields::changed, this, [this] { revalidate(); });
    connect(m_latent, &LatentFields::testRequested, this, &WorkerDialog::requestTest);

    m_saveError = errorLabel(this);
    m_saveError->setObjectName(QStringLiteral("saveError"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &WorkerDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &WorkerDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_latent);
    layout->addWidget(m_saveError);
    layout->addWidget(m_buttons);

    for (QLineEdit* e : {m_name, m_password, m_notify})
        connect(e, &QLineEdit::textChanged, this, [this] { revalidate(); });
    for (QSpinBox* s : {m_maxBuilds, m_keepalive, m_missingTimeout})
        connect(s, &QSpinBox::valueChanged, this, [this] { revalidate(); });
    for (QCheckBox* c : {m_unlimited, m_keepaliveDisabled})
        connect(c, &QCheckBox::toggled, this, [this] { revalidate(); });
    connect(m_type, &QComboBox::currentIndexChanged, this, &WorkerDialog::typeChanged);
    resize(560, sizeHint().height());
}

void WorkerDialog::load(const WorkerEdit& initial)
{
    const WorkerConfig& c = initial.config;
    m_name->setText(c.name);
    const bool isNew = initial.originalName.isEmpty();
    if (initial.password)
        m_password->setText(QString::fromUtf8(*initial.password));
    m_password->setPlaceholderText(isNew ? tr("required") : tr("unchanged"));
    if (isNew) {
        m_passwordHint->setText(tr("Stored in the master's secret store, never in the config."));
    } else {
        switch (c.password.kind) {
        case SecretRef::Kind::Secret:
            m_passwordHint->setText(tr("Now in the secret store as \"%1\". Leave empty to keep it.")
                                        .arg(c.password.value));
            break;
        case SecretRef::Kind::Env:
            m_passwordHint->setText(
                tr("Now read from the environment variable %1. A new password moves it to the "
                   "secret store.")
                    .arg(c.password.value));
            break;
        case SecretRef::Kind::Plain:
            m_passwordHint->setText(tr("Now written in plain text in the config. A new password "
                                       "moves it to the secret store."));
            break;
        }
    }
    for (auto it = c.properties.begin(); it != c.properties.end(); ++it) {
        const int row = m_properties->rowCount();
        m_properties->insertRow(row);
        m_properties->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_properties->setItem(row, 1, new QTableWidgetItem(valueText(it.value())));
    }
    m_unlimited->setChecked(!c.maxBuilds);
    m_maxBuilds->setValue(c.maxBuilds.value_or(1));
    m_maxBuilds->setDisabled(!c.maxBuilds);
    m_keepaliveDisabled->setChecked(!c.keepaliveInterval);
    m_keepalive->setValue(c.keepaliveInterval.value_or(WorkerConfig::DefaultKeepaliveInterval));
    m_keepalive->setDisabled(!c.keepaliveInterval);
    m_notify->setText(c.notifyOnMissing.join(QStringLiteral(", ")));
    m_missingTimeout->setValue(c.missingTimeout);
    if (c.latent.isLatent())
        m_latent->load(c.latent);
    const QSignalBlocker quiet(m_type);
    m_type->setCurrentIndex(c.latent.isLatent() ? 1 : 0);
    m_latent->setVisible(c.latent.isLatent());
}

void WorkerDialog::typeChanged()
{
    const bool latent = m_type->currentIndex() == 1;
    m_latent->setVisible(latent);
    // The default missing_timeout follows the type unless the user changed it.
    const int from =
        latent ? WorkerConfig::DefaultMissingTimeout : LatentConfig::DefaultMissingTimeout;
    if (m_missingTimeout->value() == from)
        m_missingTimeout->setValue(latent ? LatentConfig::DefaultMissingTimeout
                                          : WorkerConfig::DefaultMissingTimeout);
    if (isVisible())
        adjustSize();
    revalidate();
}

void WorkerDialog::requestTest()
{
    if (m_latent->isTesting() || m_type->currentIndex() != 1)
        return;
    m_testTicket = g_nextTestTicket++;
    m_latent->setTesting(true);
    Q_EMIT testConnectionRequested(m_testTicket, edit().config);
}

void WorkerDialog::connectionTested(quint64 ticket, const QString& summary, const QString& error)
{
    if (ticket == 0 || ticket != m_testTicket)
        return; // an older test, or another dialog's
    m_testTicket = 0;
    m_latent->showTestResult(summary, error);
}

QJsonObject WorkerDialog::properties(QString* error) const
{
    QJsonObject out;
    for (int row = 0; row < m_properties->rowCount(); ++row) {
        const QTableWidgetItem* k = m_properties->item(row, 0);
        const QTableWidgetItem* v = m_properties->item(row, 1);
        const QString key = k ? k->text().trimmed() : QString();
        const QString value = v ? v->text() : QString();
        if (key.isEmpty()) {
            if (!value.isEmpty() && error->isEmpty())
                *error = tr("Row %1 has a value but no key.").arg(row + 1);
            continue;
        }
        if (out.contains(key) && error->isEmpty())
            *error = tr("The key \"%1\" appears twice.").arg(key);
        out.insert(key, parseValue(value));
    }
    return out;
}

WorkerEdit WorkerDialog::edit() const
{
    WorkerEdit e;
    e.originalName = m_initial.originalName;
    WorkerConfig& c = e.config;
    c = m_initial.config;
    c.name = m_name->text().trimmed();
    if (!m_password->text().isEmpty())
        e.password = m_password->text().toUtf8();
    QString ignored;
    c.properties = properties(&ignored);
    c.maxBuilds =
        m_unlimited->isChecked() ? std::nullopt : std::optional<int>(m_maxBuilds->value());
    c.keepaliveInterval =
        m_keepaliveDisabled->isChecked() ? std::nullopt : std::optional<int>(m_keepalive->value());
    c.notifyOnMissing.clear();
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    for (const QString& a : m_notify->text().split(separators, Qt::SkipEmptyParts))
        c.notifyOnMissing << a;
    c.missingTimeout = m_missingTimeout->value();
    c.latent = m_type->currentIndex() == 1 ? m_latent->config() : LatentConfig{};
    return e;
}

QMap<QString, QString> WorkerDialog::problems() const
{
    QMap<QString, QString> out;
    const WorkerEdit e = edit();
    if (e.config.name.isEmpty())
        out.insert(QStringLiteral("name"), tr("Every worker needs a name."));
    else if (m_taken.contains(e.config.name))
        out.insert(QStringLiteral("name"),
                   tr("A worker named \"%1\" already exists.").arg(e.config.name));
    if (m_initial.originalName.isEmpty() && !e.password)
        out.insert(QStringLiteral("password"), tr("A new worker needs a password."));
    QString propertyError;
    properties(&propertyError);
    if (!propertyError.isEmpty())
        out.insert(QStringLiteral("properties"), propertyError);
    if (e.config.latent.isLatent()) {
        const QMap<QString, QString> latent = m_latent->problems();
        for (auto it = latent.begin(); it != latent.end(); ++it)
            out.insert(it.key(), it.value());
    }

    // The loader's own rules, on a config holding just this worker.
    MasterConfig probe = defaultConfig();
    WorkerConfig w = e.config;
    w.password = SecretRef{SecretRef::Kind::Secret, QStringLiteral("worker/probe")};
    probe.workers = {w};
    const ConfigLoadResult checked = parseConfig(serializeConfig(probe), QString());
    for (const QString& error : checked.errors) {
        const QString field = fieldOf(error);
        if (!field.isEmpty() && !out.contains(field))
            out.insert(field, messageOf(error));
    }
    return out;
}

void WorkerDialog::revalidate()
{
    const QMap<QString, QString> p = problems();
    showError(m_nameError, p.value(QStringLiteral("name")));
    // A missing password is said once the name is filled in (not on an empty form).
    showError(m_passwordError,
              m_name->text().isEmpty() ? QString() : p.value(QStringLiteral("password")));
    showError(m_propertiesError, p.value(QStringLiteral("properties")));
    showError(m_notifyError, p.value(QStringLiteral("notify_on_missing")));
    QStringList other;
    for (const QString& key : {QStringLiteral("max_builds"), QStringLiteral("keepalive_interval"),
                               QStringLiteral("missing_timeout")})
        if (p.contains(key))
            other << p.value(key);
    showError(m_missingError, other.join(u'\n'));
    // The libvirt fields' own problems, and the loader's about the latent
    // config (any field not shown above) at the end of the latent part.
    static const QStringList shown = {QStringLiteral("name"),
                                      QStringLiteral("password"),
                                      QStringLiteral("properties"),
                                      QStringLiteral("notify_on_missing"),
                                      QStringLiteral("max_builds"),
                                      QStringLiteral("keepalive_interval"),
                                      QStringLiteral("missing_timeout"),
                                      QStringLiteral("connection"),
                                      QStringLiteral("hd_image"),
                                      QStringLiteral("base_image"),
                                      QStringLiteral("xml")};
    QStringList rest;
    for (auto it = p.begin(); it != p.end(); ++it)
        if (!shown.contains(it.key()))
            rest << it.value();
    m_latent->showProblems(p, rest.join(u'\n'));
    if (!rest.isEmpty() && m_type->currentIndex() == 0)
        showError(m_missingError, (other + rest).join(u'\n'));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty() && !m_saving);
}

void WorkerDialog::accept()
{
    if (m_saving || !problems().isEmpty())
        return;
    m_saving = true;
    showError(m_saveError, {});
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Saving…"));
    Q_EMIT submitted(edit());
}

void WorkerDialog::saveFinished(const QString& error)
{
    m_saving = false;
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("OK"));
    if (error.isEmpty()) {
        QDialog::accept();
        return;
    }
    showError(m_saveError, tr("Not saved: %1").arg(error));
    revalidate();
}

QByteArray WorkerDialog::generatePassword()
{
    static constexpr char Alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray out(PasswordLength, Qt::Uninitialized);
    for (char& c : out)
        c = Alphabet[QRandomGenerator::system()->bounded(int(sizeof(Alphabet) - 1))];
    return out;
}

} // namespace ym
