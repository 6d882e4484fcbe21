#include "config/LatentLoader.h"

#include "config/ConfigKeys.h"
#include "config/ConfigLoader.h"

#include <QFile>
#include <QFileInfo>
#include <QXmlStreamReader>

#include <limits>

namespace ym::configdetail {

namespace keys = configkeys;

namespace {

// A path key of "libvirt": "" counts as not given; the result is absolute.
void pathKey(Checker& c, const QJsonObject& obj, QLatin1StringView key, const QString& path,
             const MasterConfig& config, QString& out)
{
    if (!obj.contains(key))
        return;
    const QString place = child(path, key);
    const auto s = c.string(obj.value(key), place, QStringLiteral("a path on the master"));
    if (!s)
        return;
    if (hasControlCharacter(*s))
        c.error(place, QStringLiteral("must not contain control characters"));
    else
        out = config.resolvePath(*s);
}

QString readXmlFile(const QString& file, QString& xml)
{
    QFile f(file);
    if (QFileInfo(file).isDir())
        return QStringLiteral("'%1' is a folder, not a domain XML file").arg(file);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read '%1' (%2)").arg(file, f.errorString());
    xml = QString::fromUtf8(f.readAll());
    return {};
}

void parseLibvirt(Checker& c, const QJsonValue& value, const QString& path,
                  const MasterConfig& config, const QString& workerName, LibvirtConfig& lv)
{
    const QString who = workerName.isEmpty() ? QStringLiteral("this worker")
                                             : QStringLiteral("worker '%1'").arg(workerName);
    if (!value.isObject()) {
        c.error(path, QStringLiteral("must be an object ({\"connection\": \"qemu:///session\", "
                                     "...})"));
        return;
    }
    const QJsonObject obj = value.toObject();
    c.checkKeys(obj, path, keys::LibvirtKeys);

    const QString connPath = child(path, keys::Connection);
    if (!obj.contains(keys::Connection)) {
        c.error(connPath, QStringLiteral("missing (%1 needs a libvirt URI, e.g. "
                                         "\"qemu:///session\")")
                              .arg(who));
    } else if (const auto s = c.string(obj.value(keys::Connection), connPath,
                                       QStringLiteral("a libvirt URI"))) {
        if (s->trimmed().isEmpty())
            c.error(connPath, QStringLiteral("must not be empty (%1 needs a libvirt URI, e.g. "
                                             "\"qemu:///session\")")
                                  .arg(who));
        else if (hasControlCharacter(*s))
            c.error(connPath, QStringLiteral("must not contain control characters"));
        else
            lv.connection = *s;
    }

    pathKey(c, obj, keys::HdImage, path, config, lv.hdImage);
    pathKey(c, obj, keys::BaseImage, path, config, lv.baseImage);
    if (!lv.baseImage.isEmpty() && lv.hdImage.isEmpty())
        c.error(child(path, keys::BaseImage),
                QStringLiteral("needs \"hd_image\" as well (%1: the overlay created from the base "
                               "image for each start)")
                    .arg(who));

    const bool hasXml = obj.contains(keys::Xml);
    const bool hasFile = obj.contains(keys::XmlFile);
    if (hasXml && hasFile) {
        c.error(child(path, keys::XmlFile),
                QStringLiteral("give either \"xml\" or \"xml_file\" for %1, not both").arg(who));
        return;
    }
    if (hasXml) {
        const QString xmlPath = child(path, keys::Xml);
        const auto s = c.string(obj.value(keys::Xml), xmlPath, QStringLiteral("domain XML"));
        if (!s || s->trimmed().isEmpty()) {
            if (s)
                c.error(xmlPath, QStringLiteral("must not be empty (leave it out to start the "
                                                "domain defined as '%1')")
                                     .arg(workerName));
            return;
        }
        const QString problem = checkDomainXml(*s, workerName, QStringLiteral("inline XML"));
        if (!problem.isEmpty())
            c.error(xmlPath, who + QStringLiteral(": ") + problem);
        else
            lv.xml = *s;
    } else if (hasFile) {
        const QString filePath = child(path, keys::XmlFile);
        QString file;
        pathKey(c, obj, keys::XmlFile, path, config, file);
        if (file.isEmpty()) {
            if (obj.value(keys::XmlFile).isString())
                c.error(filePath, QStringLiteral("must not be empty"));
            return;
        }
        QString xml;
        QString problem = readXmlFile(file, xml);
        if (problem.isEmpty())
            problem = checkDomainXml(xml, workerName, file);
        if (!problem.isEmpty()) {
            c.error(filePath, who + QStringLiteral(": ") + problem);
            return;
        }
        lv.xml = xml;
        lv.xmlFile = file;
    }
}

} // namespace

QString checkDomainXml(const QString& xml, const QString& workerName, const QString& origin)
{
    QXmlStreamReader reader(xml);
    const auto where = [&](qint64 line) {
        return QStringLiteral("%1:%2").arg(origin).arg(line);
    };
    int depth = 0;
    bool rootSeen = false;
    std::optional<std::pair<QString, qint64>> name; // the <name> under <domain>, its line
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            ++depth;
            if (depth == 1) {
                if (rootSeen)
                    break; // the reader reports the second root as an error
                rootSeen = true;
                if (reader.name() != u"domain")
                    return where(reader.lineNumber()) +
                           QStringLiteral(": the root element is <%1>; domain XML starts with "
                                          "<domain type=\"...\">")
                               .arg(reader.name().toString());
            } else if (depth == 2 && reader.name() == u"name" && !name) {
                const qint64 line = reader.lineNumber();
                const QString text = reader.readElementText().trimmed();
                --depth; // readElementText consumed the end element
                if (reader.hasError())
                    break;
                name = std::make_pair(text, line);
            }
        } else if (reader.isEndElement()) {
            --depth;
        }
    }
    if (reader.hasError())
        return where(reader.lineNumber()) +
               QStringLiteral(": the domain XML does not parse (%1)").arg(reader.errorString());
    if (!rootSeen)
        return origin + QStringLiteral(": no <domain> element");
    if (!name)
        return origin + QStringLiteral(": the domain has no <name>; it must be the worker's "
                                       "name '%1'")
                            .arg(workerName);
    if (!workerName.isEmpty() && name->first != workerName)
        return where(name->second) + QStringLiteral(": the domain's <name> is '%1'; it must be "
                                                    "the worker's name '%2'")
                                         .arg(name->first, workerName);
    return {};
}

void parseLatent(Checker& c, const QJsonObject& worker, const QString& path,
                 const MasterConfig& config, WorkerConfig& w)
{
    const QString who = w.name.isEmpty() ? QStringLiteral("this worker")
                                         : QStringLiteral("worker '%1'").arg(w.name);
    LatentConfig& latent = w.latent;
    if (worker.contains(keys::Type)) {
        const QJsonValue v = worker.value(keys::Type);
        const QString t = v.toString();
        if (v.isString() && t == LatentConfig::driverName(LatentConfig::Driver::None))
            latent.driver = LatentConfig::Driver::None;
        else if (v.isString() && t == LatentConfig::driverName(LatentConfig::Driver::Libvirt))
            latent.driver = LatentConfig::Driver::Libvirt;
        else {
            c.error(child(path, keys::Type), QStringLiteral("must be \"standard\" or \"libvirt\""));
            return; // the other latent keys cannot be judged
        }
    }

    const QString libvirtPath = child(path, keys::Libvirt);
    if (latent.driver == LatentConfig::Driver::Libvirt) {
        if (!worker.contains(keys::Libvirt))
            c.error(libvirtPath, QStringLiteral("missing (%1 has type \"libvirt\"; e.g. "
                                                "{\"connection\": \"qemu:///session\"})")
                                     .arg(who));
        else
            parseLibvirt(c, worker.value(keys::Libvirt), libvirtPath, config, w.name,
                         latent.libvirt);
    } else if (worker.contains(keys::Libvirt)) {
        c.error(libvirtPath, QStringLiteral("only for a worker with \"type\": \"libvirt\" (%1 "
                                            "is a standard worker)")
                                 .arg(who));
    }

    if (worker.contains(keys::BuildWaitTimeout)) {
        const QString bwPath = child(path, keys::BuildWaitTimeout);
        if (!latent.isLatent()) {
            c.error(bwPath, QStringLiteral("only for a latent worker (%1 is a standard worker; "
                                           "set \"type\")")
                                .arg(who));
        } else if (const auto n = c.integer(
                       worker.value(keys::BuildWaitTimeout), bwPath,
                       std::numeric_limits<int>::min(), configlimits::MaxSeconds,
                       QStringLiteral("must be an integer (seconds, at most %1; 0: stop right "
                                      "after a build; negative: never stop automatically)")
                           .arg(configlimits::MaxSeconds))) {
            latent.buildWaitTimeout = int(*n);
        }
    }

    if (latent.isLatent() && !worker.contains(keys::MissingTimeout))
        w.missingTimeout = LatentConfig::DefaultMissingTimeout;
}

} // namespace ym::configdetail
