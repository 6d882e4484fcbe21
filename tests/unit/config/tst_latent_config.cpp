// Latent worker config: type, build_wait_timeout, libvirt (paths, xml and
// xml_file), the latent missing_timeout default, every rule's error naming the
// worker and the key, and load -> write -> load.
#include "config/ConfigKeys.h"
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ym;
using namespace Qt::StringLiterals;

// Raw strings use the delimiter j (moc 6.4 and quotes at a raw string's ends).

namespace {

const QString Origin = QStringLiteral("test.json");

// A config with one worker "bot1" whose fields are `fields` (JSON text,
// without braces) added after its name and password.
QByteArray withWorker(const QByteArray& fields)
{
    return QByteArray(R"j({"workers": [{"name": "bot1", "password": {"secret": "worker/bot1"})j") +
           (fields.isEmpty() ? QByteArray() : QByteArray(", ") + fields) + "}]}";
}

QByteArray libvirtWorker(const QByteArray& libvirtFields, const QByteArray& more = {})
{
    return withWorker(R"j("type": "libvirt", "libvirt": {)j" + libvirtFields + "}" +
                      (more.isEmpty() ? QByteArray() : ", " + more));
}

QByteArray domainXml(const QByteArray& name)
{
    return "<domain type=\"qemu\">\n  <name>" + name +
           "</name>\n  <memory unit=\"MiB\">64</memory>\n</domain>\n";
}

// domainXml as a JSON string's text.
QByteArray jsonXml(const QByteArray& name)
{
    QByteArray x = domainXml(name);
    return x.replace('"', "\\\"").replace('\n', "\\n");
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class TestLatentConfig final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString configPath() const { return m_dir.filePath(QStringLiteral("etc/master.json")); }

    ConfigLoadResult loadFile(const QByteArray& json)
    {
        if (!writeFile(configPath(), json))
            return {};
        return loadConfigFile(configPath());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("etc/vm")));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("etc/vm/bot1.xml")), domainXml("bot1")));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("etc/vm/other.xml")), domainXml("other")));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("etc/vm/broken.xml")),
                          "<domain type=\"qemu\">\n  <name>bot1</name>\n  <devices>\n</domain>\n"));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("etc/vm/noname.xml")),
                          "<domain type=\"qemu\">\n  <memory>1</memory>\n</domain>\n"));
    }

    void standardByDefault()
    {
        const ConfigLoadResult r = parseConfig(withWorker({}), Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const WorkerConfig& w = r.config->workers.at(0);
        QVERIFY(!w.latent.isLatent());
        QCOMPARE(w.latent, LatentConfig{});
        QCOMPARE(w.missingTimeout, WorkerConfig::DefaultMissingTimeout);

        const ConfigLoadResult s = parseConfig(withWorker("\"type\": \"standard\""), Origin);
        QVERIFY2(s.ok(), qPrintable(s.errors.join(u'\n')));
        QCOMPARE(s.config->workers.at(0), w);
        // A standard worker is written without latent keys.
        const QByteArray text = serializeConfig(*r.config);
        QVERIFY(!text.contains("\"type\""));
        QVERIFY(!text.contains("\"libvirt\""));
        QVERIFY(!text.contains("\"build_wait_timeout\""));
    }

    void libvirtDefaults()
    {
        const ConfigLoadResult r =
            parseConfig(libvirtWorker("\"connection\": \"qemu:///session\""), Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const WorkerConfig& w = r.config->workers.at(0);
        QCOMPARE(w.latent.driver, LatentConfig::Driver::Libvirt);
        QVERIFY(w.latent.isLatent());
        QCOMPARE(w.latent.buildWaitTimeout, 600);
        QCOMPARE(w.missingTimeout, 1200);
        QCOMPARE(w.latent.libvirt.connection, u"qemu:///session"_s);
        QCOMPARE(w.latent.libvirt.hdImage, QString());
        QCOMPARE(w.latent.libvirt.baseImage, QString());
        QCOMPARE(w.latent.libvirt.xml, QString());
        QCOMPARE(w.latent.libvirt.xmlFile, QString());
    }

    void buildWaitTimeoutValues_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("expected");
        QTest::newRow("zero: right after a build") << QByteArray("0") << 0;
        QTest::newRow("two seconds") << QByteArray("2") << 2;
        QTest::newRow("negative: never") << QByteArray("-1") << -1;
        QTest::newRow("very negative") << QByteArray("-2147483648") << -2147483647 - 1;
        QTest::newRow("maximum") << QByteArray("2000000") << 2000000;
    }

    void buildWaitTimeoutValues()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, expected);
        const ConfigLoadResult r = parseConfig(
            libvirtWorker("\"connection\": \"test:///default\"",
                          "\"build_wait_timeout\": " + value + ", \"missing_timeout\": 30"),
            Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QCOMPARE(r.config->workers.at(0).latent.buildWaitTimeout, expected);
        QCOMPARE(r.config->workers.at(0).missingTimeout, 30); // given: kept
    }

    void pathsResolvedAndXmlFileRead()
    {
        const ConfigLoadResult r = loadFile(libvirtWorker(
            "\"connection\": \"qemu:///session\", \"hd_image\": \"images/bot1.qcow2\",\n"
            "                \"base_image\": \"~/base.qcow2\", \"xml_file\": \"vm/bot1.xml\""));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const LibvirtConfig& lv = r.config->workers.at(0).latent.libvirt;
        QCOMPARE(lv.hdImage, m_dir.filePath(QStringLiteral("etc/images/bot1.qcow2")));
        QCOMPARE(lv.baseImage, QDir::homePath() + u"/base.qcow2"_s);
        QCOMPARE(lv.xmlFile, m_dir.filePath(QStringLiteral("etc/vm/bot1.xml")));
        QCOMPARE(lv.xml, QString::fromUtf8(domainXml("bot1")));
    }

    void inlineXml()
    {
        const ConfigLoadResult r =
            parseConfig(libvirtWorker("\"connection\": \"test:///default\", \"xml\": \"" +
                                      jsonXml("bot1") + "\""),
                        Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const LibvirtConfig& lv = r.config->workers.at(0).latent.libvirt;
        QCOMPARE(lv.xml, QString::fromUtf8(domainXml("bot1")));
        QCOMPARE(lv.xmlFile, QString());
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // the whole error

        const auto row = [](const char* tag, const QByteArray& json, const QString& expected) {
            QTest::newRow(tag) << json << expected;
        };
        const QByteArray conn = "\"connection\": \"test:///default\"";
        row("bad type", withWorker("\"type\": \"ec2\""),
            u"workers[0].type: must be \"standard\" or \"libvirt\""_s);
        row("type number", withWorker(R"j("type": 1)j"),
            u"workers[0].type: must be \"standard\" or \"libvirt\""_s);
        row("build_wait_timeout on standard", withWorker(R"j("build_wait_timeout": 5)j"),
            u"workers[0].build_wait_timeout: only for a latent worker (worker 'bot1' is a standard worker; set \"type\")"_s);
        row("build_wait_timeout on explicit standard",
            withWorker(R"j("type": "standard", "build_wait_timeout": 0)j"),
            u"workers[0].build_wait_timeout: only for a latent worker (worker 'bot1' is a standard worker; set \"type\")"_s);
        const QString bwt =
            u"workers[0].build_wait_timeout: must be an integer (seconds, at most 2000000; 0: stop right after a build; negative: never stop automatically)"_s;
        row("build_wait_timeout fraction", libvirtWorker(conn, R"j("build_wait_timeout": 1.5)j"),
            bwt);
        row("build_wait_timeout string", libvirtWorker(conn, "\"build_wait_timeout\": \"10\""),
            bwt);
        row("build_wait_timeout null", libvirtWorker(conn, R"j("build_wait_timeout": null)j"), bwt);
        row("build_wait_timeout too big", libvirtWorker(conn, R"j("build_wait_timeout": 2000001)j"),
            bwt);
        row("libvirt on standard", withWorker("\"libvirt\": {\"connection\": \"test:///default\"}"),
            u"workers[0].libvirt: only for a worker with \"type\": \"libvirt\" (worker 'bot1' is a standard worker)"_s);
        row("libvirt missing", withWorker("\"type\": \"libvirt\""),
            u"workers[0].libvirt: missing (worker 'bot1' has type \"libvirt\"; e.g. {\"connection\": \"qemu:///session\"})"_s);
        row("libvirt not object",
            withWorker("\"type\": \"libvirt\", \"libvirt\": \"qemu:///session\""),
            u"workers[0].libvirt: must be an object ({\"connection\": \"qemu:///session\", ...})"_s);
        row("connection missing", libvirtWorker("\"hd_image\": \"/x.qcow2\""),
            u"workers[0].libvirt.connection: missing (worker 'bot1' needs a libvirt URI, e.g. \"qemu:///session\")"_s);
        row("connection empty", libvirtWorker("\"connection\": \" \""),
            u"workers[0].libvirt.connection: must not be empty (worker 'bot1' needs a libvirt URI, e.g. \"qemu:///session\")"_s);
        row("connection number", libvirtWorker(R"j("connection": 5)j"),
            u"workers[0].libvirt.connection: must be a string (a libvirt URI)"_s);
        row("unknown libvirt key", libvirtWorker(conn + ", \"hd_imag\": \"/x\""),
            u"workers[0].libvirt.hd_imag: unknown key (did you mean 'hd_image'?)"_s);
        row("unknown worker key typo", withWorker(R"j("build_wait_timout": 3)j"),
            u"workers[0].build_wait_timout: unknown key (did you mean 'build_wait_timeout'?)"_s);
        row("hd_image number", libvirtWorker(conn + R"j(, "hd_image": 3)j"),
            u"workers[0].libvirt.hd_image: must be a string (a path on the master)"_s);
        row("base_image without hd_image", libvirtWorker(conn + ", \"base_image\": \"/b.qcow2\""),
            u"workers[0].libvirt.base_image: needs \"hd_image\" as well (worker 'bot1': the overlay created from the base image for each start)"_s);
        row("xml and xml_file",
            libvirtWorker(conn + ", \"xml\": \"<domain/>\", \"xml_file\": \"/d.xml\""),
            u"workers[0].libvirt.xml_file: give either \"xml\" or \"xml_file\" for worker 'bot1', not both"_s);
        row("xml empty", libvirtWorker(conn + ", \"xml\": \"\""),
            u"workers[0].libvirt.xml: must not be empty (leave it out to start the domain defined as 'bot1')"_s);
        row("xml not parsing",
            libvirtWorker(conn + ", \"xml\": \"<domain>\\n<name>bot1</name>\\n<x>\\n</domain>\""),
            u"workers[0].libvirt.xml: worker 'bot1': inline XML:4: the domain XML does not parse (Opening and ending tag mismatch.)"_s);
        row("xml wrong root",
            libvirtWorker(conn + ", \"xml\": \"<network><name>bot1</name></network>\""),
            u"workers[0].libvirt.xml: worker 'bot1': inline XML:1: the root element is <network>; domain XML starts with <domain type=\"...\">"_s);
        row("xml wrong name", libvirtWorker(conn + ", \"xml\": \"" + jsonXml("bot2") + "\""),
            u"workers[0].libvirt.xml: worker 'bot1': inline XML:2: the domain's <name> is 'bot2'; it must be the worker's name 'bot1'"_s);
        row("xml without name", libvirtWorker(conn + ", \"xml\": \"<domain type=\\\"qemu\\\"/>\""),
            u"workers[0].libvirt.xml: worker 'bot1': inline XML: the domain has no <name>; it must be the worker's name 'bot1'"_s);
        row("xml_file number", libvirtWorker(conn + R"j(, "xml_file": 1)j"),
            u"workers[0].libvirt.xml_file: must be a string (a path on the master)"_s);
        row("xml_file empty", libvirtWorker(conn + ", \"xml_file\": \"\""),
            u"workers[0].libvirt.xml_file: must not be empty"_s);
    }

    void badInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors, QStringList{expected});
    }

    void badXmlFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>(
            "message"); // after "workers[0].libvirt.xml_file: worker 'bot1': "
        QTest::newRow("missing") << u"vm/nothing.xml"_s
                                 << u"cannot read '%1' (No such file or directory)"_s;
        QTest::newRow("folder") << u"vm"_s << u"'%1' is a folder, not a domain XML file"_s;
        QTest::newRow("wrong name")
            << u"vm/other.xml"_s
            << u"%1:2: the domain's <name> is 'other'; it must be the worker's name 'bot1'"_s;
        QTest::newRow("broken")
            << u"vm/broken.xml"_s
            << u"%1:4: the domain XML does not parse (Opening and ending tag mismatch.)"_s;
        QTest::newRow("no name")
            << u"vm/noname.xml"_s
            << u"%1: the domain has no <name>; it must be the worker's name 'bot1'"_s;
    }

    void badXmlFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const ConfigLoadResult r = loadFile(libvirtWorker(
            "\"connection\": \"test:///default\", \"xml_file\": \"" + file.toUtf8() + "\""));
        QVERIFY(!r.ok());
        const QString absolute = m_dir.filePath(u"etc/"_s + file);
        QCOMPARE(r.errors, QStringList{u"workers[0].libvirt.xml_file: worker 'bot1': "_s +
                                       message.arg(absolute)});
    }

    void everyErrorAtOnce()
    {
        const ConfigLoadResult r = parseConfig(R"j({"workers": [
            {"name": "a", "password": {"env": "P"}, "build_wait_timeout": 1},
            {"name": "b", "password": {"env": "P"}, "type": "libvirt",
             "libvirt": {"base_image": "/b", "xml": "<domain><name>x</name></domain>"}}]})j",
                                               Origin);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 4);
        QVERIFY(r.errors[0].startsWith(u"workers[0].build_wait_timeout: "_s));
        QVERIFY(r.errors[1].startsWith(u"workers[1].libvirt.connection: missing (worker 'b' "_s));
        QVERIFY(r.errors[2].startsWith(u"workers[1].libvirt.base_image: "_s));
        QCOMPARE(
            r.errors[3],
            u"workers[1].libvirt.xml: worker 'b': inline XML:1: the domain's <name> is 'x'; it must be the worker's name 'b'"_s);
    }

    void roundtrip_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("minimal libvirt") << libvirtWorker("\"connection\": \"qemu:///session\"");
        QTest::newRow("every key, inline xml") << libvirtWorker(
            "\"connection\": \"qemu:///system\", \"hd_image\": \"/var/vm/bot1.qcow2\",\n"
            "                \"base_image\": \"/var/vm/base.qcow2\", \"xml\": \"" +
                jsonXml("bot1") + "\"",
            R"j("build_wait_timeout": 0, "missing_timeout": 90)j");
        QTest::newRow("xml_file, never stop") << libvirtWorker(
            "\"connection\": \"qemu:///session\", \"hd_image\": \"images/hd.qcow2\",\n"
            "                                 \"xml_file\": \"vm/bot1.xml\"",
            R"j("build_wait_timeout": -1)j");
        QTest::newRow("mixed with standard")
            << QByteArray("{\"workers\": [\n"
                          "            {\"name\": \"std\", \"password\": {\"env\": \"P\"}, "
                          "\"missing_timeout\": 77},\n"
                          "            {\"name\": \"bot1\", \"password\": {\"env\": \"P\"}, "
                          "\"type\": \"libvirt\", \"build_wait_timeout\": 2,\n"
                          "             \"libvirt\": {\"connection\": \"test:///default\", "
                          "\"hd_image\": \"~/hd.qcow2\"}}]}");
    }

    void roundtrip()
    {
        QFETCH(QByteArray, json);
        const ConfigLoadResult first = loadFile(json);
        QVERIFY2(first.ok(), qPrintable(first.errors.join(u'\n')));

        // Written to a different folder: the paths are absolute by now.
        const QByteArray saved = serializeConfig(*first.config);
        const QString other = m_dir.filePath(QStringLiteral("saved.json"));
        QVERIFY(saveConfigFile(*first.config, other).ok());
        const ConfigLoadResult second = loadConfigFile(other);
        QVERIFY2(second.ok(),
                 qPrintable(second.errors.join(u'\n') + u'\n' + QString::fromUtf8(saved)));
        QCOMPARE(*second.config, *first.config);
        QCOMPARE(serializeConfig(*second.config), saved);
    }

    void xmlFileWrittenAsPath()
    {
        const ConfigLoadResult r = loadFile(
            libvirtWorker("\"connection\": \"qemu:///session\", \"xml_file\": \"vm/bot1.xml\"",
                          R"j("build_wait_timeout": 5)j"));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const QByteArray text = serializeConfig(*r.config);
        const QByteArray file = m_dir.filePath(QStringLiteral("etc/vm/bot1.xml")).toUtf8();
        QVERIFY2(text.contains("\"xml_file\": \"" + file + "\""), text.constData());
        QVERIFY(!text.contains("<domain"));
        QVERIFY(!text.contains("\"xml\":"));
        QVERIFY(text.contains("\"type\": \"libvirt\""));
        QVERIFY(text.contains("\"build_wait_timeout\": 5"));
        QVERIFY(text.contains("\"missing_timeout\": 1200"));
        // Keys after the standard ones, the libvirt object nested.
        QVERIFY(text.indexOf("\"missing_timeout\"") < text.indexOf("\"type\""));
        QVERIFY(text.indexOf("\"type\"") < text.indexOf("\"build_wait_timeout\""));
        QVERIFY(text.indexOf("\"build_wait_timeout\"") < text.indexOf("\"libvirt\":"));
        QVERIFY(text.indexOf("\"libvirt\":") < text.indexOf("\"connection\""));
    }
};

QTEST_GUILESS_MAIN(TestLatentConfig)
#include "tst_latent_config.moc"
