#include "builds/ForceBuildDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ym::ui {

namespace {
constexpr int MaxReasonLength = 500;
constexpr int MaxPropertyNameLength = 100;
} // namespace

ForceBuildDialog::ForceBuildDialog(const ForceBuildOptions& initial, QWidget* parent)
    : QDialog(parent), m_builder(initial.builder)
{
    setWindowTitle(tr("Force build of %1").arg(initial.builder));
    auto* form = new QFormLayout;
    auto* builderLabel = new QLabel(initial.builder, this);
    builderLabel->setObjectName(u"builder"_s);
    form->addRow(tr("Builder:"), builderLabel);
    m_reason = new QLineEdit(initial.reason, this);
    m_reason->setObjectName(u"reason"_s);
    m_reason->setPlaceholderText(tr("forced"));
    m_reason->setMaxLength(MaxReasonLength);
    form->addRow(tr("&Reason:"), m_reason);

    m_properties = new QTableWidget(0, 2, this);
    m_properties->setObjectName(u"properties"_s);
    m_properties->setHorizontalHeaderLabels({tr("Property"), tr("Value")});
    m_properties->horizontalHeader()->setStretchLastSection(true);
    m_properties->verticalHeader()->hide();
    m_properties->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* add = new QPushButton(tr("&Add property"), this);
    add->setObjectName(u"addProperty"_s);
    auto* remove = new QPushButton(tr("Re&move"), this);
    remove->setObjectName(u"removeProperty"_s);
    auto* propButtons = new QHBoxLayout;
    propButtons->addWidget(add);
    propButtons->addWidget(remove);
    propButtons->addStretch();

    m_error = new QLabel(this);
    m_error->setObjectName(u"error"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #c62828;"_s);
    m_error->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Force build"));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Properties:"), this));
    layout->addWidget(m_properties);
    layout->addLayout(propButtons);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(add, &QPushButton::clicked, this, [this] {
        addProperty();
        m_properties->setCurrentCell(m_properties->rowCount() - 1, 0);
        m_properties->editItem(m_properties->item(m_properties->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, &ForceBuildDialog::removeSelectedProperties);
    connect(m_properties, &QTableWidget::itemChanged, this, &ForceBuildDialog::validate);
    connect(m_reason, &QLineEdit::textChanged, this, &ForceBuildDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (validationError().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    for (auto it = initial.properties.begin(); it != initial.properties.end(); ++it)
        addProperty(it.key(), it.value().toVariant().toString());
    resize(480, 360);
    validate();
}

ForceBuildDialog::~ForceBuildDialog() = default;

void ForceBuildDialog::addProperty(const QString& name, const QString& value)
{
    QSignalBlocker block(m_properties);
    const int row = m_properties->rowCount();
    m_properties->insertRow(row);
    m_properties->setItem(row, 0, new QTableWidgetItem(name));
    m_properties->setItem(row, 1, new QTableWidgetItem(value));
    block.unblock();
    validate();
}

void ForceBuildDialog::removeSelectedProperties()
{
    QList<int> rows;
    for (const QModelIndex& i : m_properties->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty() && m_properties->currentRow() >= 0)
        rows << m_properties->currentRow();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : rows)
        m_properties->removeRow(row);
    validate();
}

QString ForceBuildDialog::validationError() const
{
    static const QRegularExpression nameRe(u"^[A-Za-z_][A-Za-z0-9_.\\-]*$"_s);
    QSet<QString> seen;
    for (int row = 0; row < m_properties->rowCount(); ++row) {
        const QTableWidgetItem* k = m_properties->item(row, 0);
        const QTableWidgetItem* v = m_properties->item(row, 1);
        const QString name = k ? k->text().trimmed() : QString();
        const QString value = v ? v->text() : QString();
        if (name.isEmpty() && value.isEmpty())
            continue; // an empty row is ignored
        if (name.isEmpty())
            return tr("Property %1: the name is missing.").arg(row + 1);
        if (name.size() > MaxPropertyNameLength)
            return tr("Property %1: the name is longer than %2 characters.")
                .arg(row + 1)
                .arg(MaxPropertyNameLength);
        if (!nameRe.match(name).hasMatch())
            return tr("Property %1: '%2' is not a valid name (letters, digits, '_', '.' and '-'; "
                      "it starts with a letter or '_').")
                .arg(row + 1)
                .arg(name);
        if (seen.contains(name))
            return tr("Property %1: '%2' is given twice.").arg(row + 1).arg(name);
        seen.insert(name);
    }
    return {};
}

void ForceBuildDialog::validate()
{
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

ForceBuildOptions ForceBuildDialog::options() const
{
    ForceBuildOptions o;
    o.builder = m_builder;
    o.reason = m_reason->text().trimmed();
    for (int row = 0; row < m_properties->rowCount(); ++row) {
        const QTableWidgetItem* k = m_properties->item(row, 0);
        const QTableWidgetItem* v = m_properties->item(row, 1);
        const QString name = k ? k->text().trimmed() : QString();
        if (!name.isEmpty())
            o.properties.insert(name, v ? v->text() : QString());
    }
    return o;
}

} // namespace ym::ui
