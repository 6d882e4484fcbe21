// The worker dialog's libvirt part: a WorkerEdit in, the fields, the same
// WorkerEdit out; the type switch and its missing_timeout default; the
// validation messages; Test connection (busy while asked, answers for old
// tickets ignored).
#include "workers/LatentFields.h"
#include "workers/WorkerDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using ym::LatentConfig;
using ym::WorkerConfig;
using ym::WorkerDialog;
using ym::WorkerEdit;

namespace {
template <typename T> T* field(QWidget* d, const QString& name)
{
    T* w = d->findChild<T*>(name);
    if (!w)
        qFatal("no field %s", qPrintable(name));
    return w;
}

QPushButton* okButton(WorkerDialog* d)
{
    return d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

WorkerEdit libvirtEdit()
{
    WorkerEdit e;
    e.originalName = u"vm1"_s;
    WorkerConfig& c = e.config;
    c.name = u"vm1"_s;
    c.password = ym::SecretRef{ym::SecretRef::Kind::Secret, u"worker/vm1"_s};
    c.maxBuilds = 1;
    c.missingTimeout = 900;
    c.latent.driver = LatentConfig::Driver::Libvirt;
    c.latent.buildWaitTimeout = 0;
    c.latent.libvirt.connection = u"test:///default"_s;
    c.latent.libvirt.hdImage = u"/var/lib/ym/vm1.qcow2"_s;
    c.latent.libvirt.baseImage = u"/var/lib/ym/base.qcow2"_s;
    c.latent.libvirt.xml = u"<domain type='test'><name>vm1</name></domain>"_s;
    return e;
}
} // namespace

class TestLatentWorkerDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripInlineXml();
    void roundTripXmlFileAndNeverStop();
    void roundTripDefinedDomain();
    void typeSwitchAndMissingTimeout();
    void validationMessages();
    void testConnectionTickets();
};

void TestLatentWorkerDialog::roundTripInlineXml()
{
    const WorkerEdit in = libvirtEdit();
    WorkerDialog d(in, {u"other"_s});
    QCOMPARE(field<QComboBox>(&d, u"workerType"_s)->currentIndex(), 1);
    QVERIFY(!d.latentFields()->isHidden());
    QCOMPARE(field<QLineEdit>(&d, u"connection"_s)->text(), u"test:///default"_s);
    QCOMPARE(field<QLineEdit>(&d, u"hdImage"_s)->text(), u"/var/lib/ym/vm1.qcow2"_s);
    QCOMPARE(field<QLineEdit>(&d, u"baseImage"_s)->text(), u"/var/lib/ym/base.qcow2"_s);
    QCOMPARE(field<QComboBox>(&d, u"domainSource"_s)->currentIndex(),
             int(ym::LatentFields::DomainSource::InlineXml));
    QCOMPARE(field<QPlainTextEdit>(&d, u"xml"_s)->toPlainText(), in.config.latent.libvirt.xml);
    QCOMPARE(field<QSpinBox>(&d, u"buildWaitTimeout"_s)->value(), 0);
    QVERIFY(!field<QCheckBox>(&d, u"neverStop"_s)->isChecked());
    QCOMPARE(field<QSpinBox>(&d, u"missingTimeout"_s)->value(), 900);
    QVERIFY2(d.problems().isEmpty(), qPrintable(d.problems().values().join(u'\n')));
    const WorkerEdit out = d.edit();
    QCOMPARE(out.originalName, in.originalName);
    QVERIFY(!out.password);
    QVERIFY(out.config == in.config);

    // Edited fields come back in the struct.
    field<QLineEdit>(&d, u"connection"_s)->setText(u"  qemu:///session "_s);
    field<QSpinBox>(&d, u"buildWaitTimeout"_s)->setValue(300);
    const WorkerEdit changed = d.edit();
    QCOMPARE(changed.config.latent.libvirt.connection, u"qemu:///session"_s);
    QCOMPARE(changed.config.latent.buildWaitTimeout, 300);
}

void TestLatentWorkerDialog::roundTripXmlFileAndNeverStop()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString xmlPath = dir.filePath(u"vm1.xml"_s);
    QFile f(xmlPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(f.write("<domain type='test'><name>vm1</name></domain>") > 0);
    f.close();
    WorkerEdit in = libvirtEdit();
    in.config.latent.libvirt.xmlFile = xmlPath;
    in.config.latent.buildWaitTimeout = -1;
    WorkerDialog d(in, {});
    QCOMPARE(field<QComboBox>(&d, u"domainSource"_s)->currentIndex(),
             int(ym::LatentFields::DomainSource::XmlFile));
    QCOMPARE(field<QLineEdit>(&d, u"xmlFile"_s)->text(), xmlPath);
    QVERIFY(field<QCheckBox>(&d, u"neverStop"_s)->isChecked());
    QVERIFY(!field<QSpinBox>(&d, u"buildWaitTimeout"_s)->isEnabled());
    QVERIFY2(d.problems().isEmpty(), qPrintable(d.problems().values().join(u'\n')));
    QVERIFY(d.edit().config == in.config);
    // "Never" off: the spin box's value (the default) applies.
    field<QCheckBox>(&d, u"neverStop"_s)->setChecked(false);
    QCOMPARE(d.edit().config.latent.buildWaitTimeout, LatentConfig::DefaultBuildWaitTimeout);
}

void TestLatentWorkerDialog::roundTripDefinedDomain()
{
    WorkerEdit in = libvirtEdit();
    in.config.latent.libvirt.xml.clear();
    in.config.latent.libvirt.baseImage.clear();
    WorkerDialog d(in, {});
    QCOMPARE(field<QComboBox>(&d, u"domainSource"_s)->currentIndex(),
             int(ym::LatentFields::DomainSource::Defined));
    QVERIFY(d.edit().config == in.config);
    // Back to a standard worker: nothing latent remains.
    field<QComboBox>(&d, u"workerType"_s)->setCurrentIndex(0);
    QVERIFY(d.latentFields()->isHidden());
    QVERIFY(!d.edit().config.latent.isLatent());
    QVERIFY(d.edit().config.latent == LatentConfig{});
}

void TestLatentWorkerDialog::typeSwitchAndMissingTimeout()
{
    WorkerDialog d(WorkerEdit{}, {});
    auto* type = field<QComboBox>(&d, u"workerType"_s);
    auto* missing = field<QSpinBox>(&d, u"missingTimeout"_s);
    QCOMPARE(type->currentIndex(), 0);
    QVERIFY(d.latentFields()->isHidden());
    QCOMPARE(missing->value(), WorkerConfig::DefaultMissingTimeout);
    type->setCurrentIndex(1);
    QVERIFY(!d.latentFields()->isHidden());
    QCOMPARE(missing->value(), LatentConfig::DefaultMissingTimeout);
    QCOMPARE(d.edit().config.latent.driver, LatentConfig::Driver::Libvirt);
    QCOMPARE(d.edit().config.latent.buildWaitTimeout, LatentConfig::DefaultBuildWaitTimeout);
    type->setCurrentIndex(0);
    QCOMPARE(missing->value(), WorkerConfig::DefaultMissingTimeout);
    // A value the user chose stays.
    missing->setValue(777);
    type->setCurrentIndex(1);
    QCOMPARE(missing->value(), 777);
    type->setCurrentIndex(0);
    QCOMPARE(missing->value(), 777);
}

void TestLatentWorkerDialog::validationMessages()
{
    WorkerDialog d(WorkerEdit{}, {});
    d.show();
    field<QLineEdit>(&d, u"name"_s)->setText(u"vm2"_s);
    field<QLineEdit>(&d, u"password"_s)->setText(u"secret-pw"_s);
    QVERIFY(okButton(&d)->isEnabled());
    field<QComboBox>(&d, u"workerType"_s)->setCurrentIndex(1);
    // Connection required.
    QVERIFY(!okButton(&d)->isEnabled());
    QVERIFY(d.problems().contains(u"connection"_s));
    auto* connectionError = field<QLabel>(&d, u"connectionError"_s);
    QVERIFY(connectionError->isVisible());
    QVERIFY2(connectionError->text().contains(u"needs a connection URI"_s),
             qPrintable(connectionError->text()));
    QVERIFY(!field<QPushButton>(&d, u"testConnection"_s)->isEnabled());
    field<QLineEdit>(&d, u"connection"_s)->setText(u"not a uri"_s);
    QVERIFY(connectionError->text().contains(u"is not a libvirt URI"_s));
    field<QLineEdit>(&d, u"connection"_s)->setText(u"qemu:///session"_s);
    QVERIFY(!connectionError->isVisible());
    QVERIFY(okButton(&d)->isEnabled());

    // base_image needs hd_image.
    field<QLineEdit>(&d, u"baseImage"_s)->setText(u"/img/base.qcow2"_s);
    auto* imageError = field<QLabel>(&d, u"imageError"_s);
    QVERIFY(imageError->isVisible());
    QVERIFY2(imageError->text().contains(u"A base image needs a disk image"_s),
             qPrintable(imageError->text()));
    QVERIFY(!okButton(&d)->isEnabled());
    field<QLineEdit>(&d, u"hdImage"_s)->setText(u"/img/base.qcow2"_s);
    QVERIFY(imageError->text().contains(u"must be different files"_s));
    field<QLineEdit>(&d, u"hdImage"_s)->setText(u"/img/vm2.qcow2"_s);
    QVERIFY(!imageError->isVisible());
    QVERIFY(okButton(&d)->isEnabled());

    // The domain's XML, from a file or written here.
    auto* source = field<QComboBox>(&d, u"domainSource"_s);
    auto* xmlError = field<QLabel>(&d, u"xmlError"_s);
    source->setCurrentIndex(int(ym::LatentFields::DomainSource::XmlFile));
    QVERIFY(field<QLineEdit>(&d, u"xmlFile"_s)->isVisible());
    QVERIFY(xmlError->text().contains(u"path of the domain XML file"_s));
    field<QLineEdit>(&d, u"xmlFile"_s)->setText(u"relative.xml"_s);
    QVERIFY(xmlError->text().contains(u"absolute path"_s));
    field<QLineEdit>(&d, u"xmlFile"_s)->setText(u"/nonexistent/dir/vm2.xml"_s);
    QVERIFY(xmlError->text().contains(u"does not exist"_s));
    QVERIFY(!okButton(&d)->isEnabled());
    source->setCurrentIndex(int(ym::LatentFields::DomainSource::InlineXml));
    QVERIFY(field<QPlainTextEdit>(&d, u"xml"_s)->isVisible());
    QVERIFY(xmlError->text().contains(u"Write the domain XML"_s));
    // The config loader's own check: the domain's <name> is the worker's.
    field<QPlainTextEdit>(&d, u"xml"_s)->setPlainText(u"<domain/>"_s);
    QVERIFY(!okButton(&d)->isEnabled());
    QVERIFY2(d.problems().value(u"libvirt"_s).contains(u"no <name>"_s),
             qPrintable(d.problems().value(u"libvirt"_s)));
    field<QPlainTextEdit>(&d, u"xml"_s)->setPlainText(
        u"<domain type='test'><name>vm2</name></domain>"_s);
    QVERIFY(!xmlError->isVisible());
    QVERIFY(okButton(&d)->isEnabled());

    // OK hands out the struct.
    QSignalSpy submitted(&d, &WorkerDialog::submitted);
    okButton(&d)->click();
    QCOMPARE(submitted.size(), 1);
    const WorkerEdit e = submitted.first().first().value<WorkerEdit>();
    QCOMPARE(e.config.latent.libvirt.connection, u"qemu:///session"_s);
    QCOMPARE(e.config.latent.libvirt.xml, u"<domain type='test'><name>vm2</name></domain>"_s);
    QCOMPARE(e.config.missingTimeout, LatentConfig::DefaultMissingTimeout);
}

void TestLatentWorkerDialog::testConnectionTickets()
{
    WorkerDialog d(libvirtEdit(), {});
    d.show();
    QSignalSpy asked(&d, &WorkerDialog::testConnectionRequested);
    auto* test = field<QPushButton>(&d, u"testConnection"_s);
    auto* busy = field<QProgressBar>(&d, u"testBusy"_s);
    QVERIFY(test->isEnabled());
    QVERIFY(!busy->isVisible());
    test->click();
    QCOMPARE(asked.size(), 1);
    const quint64 first = asked.at(0).at(0).toULongLong();
    QVERIFY(first != 0);
    QCOMPARE(d.testTicket(), first);
    const WorkerConfig sent = asked.at(0).at(1).value<WorkerConfig>();
    QVERIFY(sent == libvirtEdit().config); // the fields, not a saved config
    QVERIFY(!test->isEnabled());
    QVERIFY(busy->isVisible());
    QVERIFY(d.latentFields()->isTesting());
    test->click(); // disabled: no second request
    QCOMPARE(asked.size(), 1);

    // Another ticket (another dialog's, or a stale one) changes nothing.
    d.connectionTested(first + 1000, u"nope"_s, {});
    QVERIFY(d.latentFields()->isTesting());
    // The answer: the summary is shown, the button comes back.
    d.connectionTested(first, u"Connected to test:///default: 1 domain (test)"_s, {});
    QVERIFY(!d.latentFields()->isTesting());
    QVERIFY(test->isEnabled());
    QVERIFY(!busy->isVisible());
    QCOMPARE(d.latentFields()->testResultText(),
             u"Connected to test:///default: 1 domain (test)"_s);

    // A second test with another URI; the first one's late answer is ignored.
    field<QLineEdit>(&d, u"connection"_s)->setText(u"qemu:///nowhere"_s);
    test->click();
    QCOMPARE(asked.size(), 2);
    const quint64 second = asked.at(1).at(0).toULongLong();
    QVERIFY(second != first);
    QCOMPARE(asked.at(1).at(1).value<WorkerConfig>().latent.libvirt.connection,
             u"qemu:///nowhere"_s);
    d.connectionTested(first, u"late"_s, {});
    QVERIFY(d.latentFields()->isTesting());
    d.connectionTested(second, {}, u"Failed to connect socket"_s);
    QVERIFY(!d.latentFields()->isTesting());
    QCOMPARE(d.latentFields()->testResultText(), u"Connection failed: Failed to connect socket"_s);
    // Answered once: a repeat of the same ticket changes nothing.
    d.connectionTested(second, u"again"_s, {});
    QCOMPARE(d.latentFields()->testResultText(), u"Connection failed: Failed to connect socket"_s);
}

QTEST_MAIN(TestLatentWorkerDialog)
#include "tst_latent_worker_dialog.moc"
