// ForceBuildDialog: returns the plain struct it was given and edited;
// a bad or repeated property name shows the inline error and disables OK.
#include "builds/ForceBuildDialog.h"

#include <QDialogButtonBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace Qt::StringLiterals;
using ym::ui::ForceBuildDialog;
using ym::ui::ForceBuildOptions;

namespace {

QPushButton* okButton(ForceBuildDialog& d)
{
    return d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

QLabel* errorLabel(ForceBuildDialog& d)
{
    return d.findChild<QLabel*>(u"error"_s);
}

} // namespace

class TestForceBuildDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void returnsTheStruct();
    void validation_data();
    void validation();
    void editingInTheTableRevalidates();
    void removingTheBadRowEnablesOk();
};

void TestForceBuildDialog::returnsTheStruct()
{
    const ForceBuildOptions initial{u"b1"_s, u"nightly"_s,
                                    QJsonObject{{u"branch"_s, u"main"_s}, {u"x.y-z"_s, u"1"_s}}};
    ForceBuildDialog d(initial);
    QCOMPARE(d.options(), initial);
    QCOMPARE(d.findChild<QLabel*>(u"builder"_s)->text(), u"b1"_s);
    QVERIFY(okButton(d)->isEnabled());
    QVERIFY(d.validationError().isEmpty());

    d.findChild<QLineEdit*>(u"reason"_s)->setText(u"  release candidate  "_s);
    d.addProperty(u"tag"_s, u"v1.0"_s);
    d.addProperty(); // an empty row is ignored
    const ForceBuildOptions expected{
        u"b1"_s, u"release candidate"_s,
        QJsonObject{{u"branch"_s, u"main"_s}, {u"x.y-z"_s, u"1"_s}, {u"tag"_s, u"v1.0"_s}}};
    QCOMPARE(d.options(), expected);

    QSignalSpy accepted(&d, &QDialog::accepted);
    d.open();
    okButton(d)->click();
    QCOMPARE(accepted.count(), 1);
    QCOMPARE(d.result(), int(QDialog::Accepted));
}

void TestForceBuildDialog::validation_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<QString>("error"); // a part of the expected message; empty: valid

    QTest::newRow("plain") << QStringList{u"branch"_s} << QStringList{u"main"_s} << QString();
    QTest::newRow("dots, dashes, underscore")
        << QStringList{u"_my.prop-1"_s} << QStringList{u"x"_s} << QString();
    QTest::newRow("empty value") << QStringList{u"flag"_s} << QStringList{QString()} << QString();
    QTest::newRow("space in name")
        << QStringList{u"my prop"_s} << QStringList{u"x"_s} << u"'my prop' is not a valid name"_s;
    QTest::newRow("starts with a digit")
        << QStringList{u"1abc"_s} << QStringList{u"x"_s} << u"'1abc' is not a valid name"_s;
    QTest::newRow("slash") << QStringList{u"a/b"_s} << QStringList{u"x"_s}
                           << u"'a/b' is not a valid name"_s;
    QTest::newRow("value without a name")
        << QStringList{QString()} << QStringList{u"x"_s} << u"Property 1: the name is missing"_s;
    QTest::newRow("repeated name")
        << QStringList{u"a"_s, u"b"_s, u"a"_s} << QStringList{u"1"_s, u"2"_s, u"3"_s}
        << u"Property 3: 'a' is given twice"_s;
    QTest::newRow("too long") << QStringList{QString(101, u'x')} << QStringList{u"1"_s}
                              << u"longer than 100 characters"_s;
}

void TestForceBuildDialog::validation()
{
    QFETCH(QStringList, names);
    QFETCH(QStringList, values);
    QFETCH(QString, error);
    ForceBuildDialog d(ForceBuildOptions{u"b1"_s, {}, {}});
    d.show();
    for (int i = 0; i < names.size(); ++i)
        d.addProperty(names.at(i), values.at(i));
    QLabel* label = errorLabel(d);
    if (error.isEmpty()) {
        QVERIFY2(d.validationError().isEmpty(), qPrintable(d.validationError()));
        QVERIFY(okButton(d)->isEnabled());
        QVERIFY(!label->isVisible());
        return;
    }
    QVERIFY2(d.validationError().contains(error), qPrintable(d.validationError()));
    QCOMPARE(label->text(), d.validationError());
    QVERIFY(label->isVisible());
    QVERIFY(!okButton(d)->isEnabled());
    // Enter in the dialog does not accept it either.
    QSignalSpy accepted(&d, &QDialog::accepted);
    QTest::keyClick(&d, Qt::Key_Return);
    QCOMPARE(accepted.count(), 0);
    QVERIFY(d.isVisible());
}

void TestForceBuildDialog::editingInTheTableRevalidates()
{
    ForceBuildDialog d(ForceBuildOptions{u"b1"_s, {}, QJsonObject{{u"ok"_s, u"1"_s}}});
    d.show();
    auto* table = d.findChild<QTableWidget*>(u"properties"_s);
    QVERIFY(okButton(d)->isEnabled());
    table->item(0, 0)->setText(u"not ok"_s); // as the user's edit commits
    QVERIFY(!okButton(d)->isEnabled());
    QVERIFY(errorLabel(d)->isVisible());
    table->item(0, 0)->setText(u"fine"_s);
    QVERIFY(okButton(d)->isEnabled());
    QVERIFY(!errorLabel(d)->isVisible());
    QCOMPARE(d.options().properties, (QJsonObject{{u"fine"_s, u"1"_s}}));
}

void TestForceBuildDialog::removingTheBadRowEnablesOk()
{
    ForceBuildDialog d(ForceBuildOptions{u"b1"_s, {}, {}});
    d.show();
    d.addProperty(u"good"_s, u"1"_s);
    d.addProperty(u"bad name"_s, u"2"_s);
    QVERIFY(!okButton(d)->isEnabled());
    auto* table = d.findChild<QTableWidget*>(u"properties"_s);
    table->selectRow(1);
    d.findChild<QPushButton*>(u"removeProperty"_s)->click();
    QCOMPARE(table->rowCount(), 1);
    QVERIFY(okButton(d)->isEnabled());
    d.findChild<QPushButton*>(u"addProperty"_s)->click();
    QCOMPARE(table->rowCount(), 2);
    QVERIFY(okButton(d)->isEnabled()); // the new row is empty
    QCOMPARE(d.options().properties, (QJsonObject{{u"good"_s, u"1"_s}}));
}

QTEST_MAIN(TestForceBuildDialog)
#include "tst_force_build_dialog.moc"
