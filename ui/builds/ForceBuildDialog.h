#pragma once

#include <QDialog>
#include <QJsonObject>
#include <QString>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace ym::ui {

// What "Force build" asks the engine for.
struct ForceBuildOptions
{
    QString builder;
    QString reason;
    QJsonObject properties; // name -> text

    bool operator==(const ForceBuildOptions&) const = default;
};

// Asks for a forced build's reason and properties. Takes and returns a plain
// ForceBuildOptions; validates inline (a bad or repeated property name shows
// the error under the table and disables OK) and never talks to the engine:
// the caller sends the request.
class ForceBuildDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ForceBuildDialog)

public:
    explicit ForceBuildDialog(const ForceBuildOptions& initial, QWidget* parent = nullptr);
    ~ForceBuildDialog() override;

    ForceBuildOptions options() const;
    // The first problem of the form; empty when it is valid.
    QString validationError() const;

    // Adds a property row (also the "Add" button's action).
    void addProperty(const QString& name = {}, const QString& value = {});

private:
    void validate();
    void removeSelectedProperties();

    QString m_builder;
    QLineEdit* m_reason = nullptr;
    QTableWidget* m_properties = nullptr;
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace ym::ui
