#include "latent/libvirt/LibvirtOps.h"

#include "latent/libvirt/LibvirtLogging.h"
#include "latent/libvirt/LibvirtService.h"
#include "latent/libvirt/QemuImg.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QTimer>
#include <QXmlStreamReader>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

using namespace Qt::StringLiterals;

namespace ym::latent {

QString LibvirtTarget::failure(const QString& what, const QString& message) const
{
    return u"libvirt worker \"%1\": %2 at %3: %4"_s.arg(
        worker, what, redactedUri(config.connection), redactedText(message, config.connection));
}

QString LibvirtTarget::refusal(const QString& what) const
{
    return u"libvirt worker \"%1\": %2"_s.arg(worker, what);
}

namespace {

using Domain = std::shared_ptr<virDomain>;

Domain adopt(virDomainPtr domain)
{
    return domain ? Domain(domain, virDomainFree) : Domain();
}

struct Lookup
{
    Domain domain;
    bool missing = false; // libvirt has no domain of that name
    QString error;        // another failure
};

Lookup lookup(virConnectPtr conn, const QString& name)
{
    virResetLastError();
    Domain domain = adopt(virDomainLookupByName(conn, name.toUtf8().constData()));
    if (domain)
        return {domain, false, {}};
    const virErrorPtr error = virGetLastError();
    if (error && error->code == VIR_ERR_NO_DOMAIN)
        return {nullptr, true, {}};
    return {nullptr, false, libvirtLastError()};
}

struct StateWord
{
    InstanceInfo::State state;
    QString word; // virsh's word for it
};

StateWord stateOf(int state)
{
    using S = InstanceInfo::State;
    switch (state) {
    case VIR_DOMAIN_RUNNING:
        return {S::Running, u"running"_s};
    case VIR_DOMAIN_BLOCKED:
        return {S::Running, u"idle"_s};
    case VIR_DOMAIN_PAUSED:
        return {S::Pending, u"paused"_s};
    case VIR_DOMAIN_SHUTDOWN:
        return {S::Stopping, u"in shutdown"_s};
    case VIR_DOMAIN_SHUTOFF:
        return {S::Stopped, u"shut off"_s};
    case VIR_DOMAIN_CRASHED:
        return {S::Stopped, u"crashed"_s};
    case VIR_DOMAIN_PMSUSPENDED:
        return {S::Stopped, u"pmsuspended"_s};
    default:
        return {S::Pending, u"no state"_s};
    }
}

QString absolute(const QString& path)
{
    return path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
}

QJsonObject attributesOf(const LibvirtTarget& target, const QString& hd, const QString& base,
                         virDomainPtr domain)
{
    QJsonObject attributes{{u"uri"_s, redactedUri(target.config.connection)},
                           {u"hd_image"_s, hd},
                           {u"base_image"_s, base}};
    if (!domain) {
        attributes.insert(u"transient"_s, !target.config.xml.isEmpty());
        return attributes;
    }
    attributes.insert(u"transient"_s, virDomainIsPersistent(domain) == 0);
    char uuid[VIR_UUID_STRING_BUFLEN] = {};
    if (virDomainGetUUIDString(domain, uuid) == 0)
        attributes.insert(u"uuid"_s, QString::fromLatin1(uuid));
    virResetLastError();
    return attributes;
}

InstanceInfo infoOf(const LibvirtTarget& target, const QString& name, virDomainPtr domain)
{
    InstanceInfo info;
    info.instanceId = name;
    info.attributes = attributesOf(target, absolute(target.config.hdImage),
                                   absolute(target.config.baseImage), domain);
    if (!domain) {
        info.state = InstanceInfo::State::Absent;
        info.detail = u"no such domain"_s;
        return info;
    }
    int state = 0;
    int reason = 0;
    if (virDomainGetState(domain, &state, &reason, 0) < 0) {
        info.state = InstanceInfo::State::Absent;
        info.detail = libvirtLastError();
        return info;
    }
    const StateWord word = stateOf(state);
    info.state = word.state;
    info.detail = word.word;
    return info;
}

// The <name> of a domain XML, or an error.
Result<QString> xmlDomainName(const QString& xml)
{
    QXmlStreamReader reader(xml);
    if (!reader.readNextStartElement() || reader.name() != u"domain")
        return Error{u"the configured xml is not a <domain> definition"_s};
    while (reader.readNextStartElement()) {
        if (reader.name() == u"name")
            return reader.readElementText().trimmed();
        reader.skipCurrentElement();
    }
    if (reader.hasError())
        return Error{
            u"the configured xml is not well-formed: %1 (line %2)"_s.arg(reader.errorString())
                .arg(reader.lineNumber())};
    return Error{u"the configured xml has no <name>"_s};
}

// The running domain whose definition mentions `path` (empty: none).
Result<QString> activeUserOf(virConnectPtr conn, const QString& path)
{
    virDomainPtr* domains = nullptr;
    const int count = virConnectListAllDomains(conn, &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    if (count < 0)
        return Error{libvirtLastError()};
    QString user;
    for (int i = 0; i < count; ++i) {
        if (user.isEmpty()) {
            if (char* xml = virDomainGetXMLDesc(domains[i], 0)) {
                if (QString::fromUtf8(xml).contains(path))
                    user = QString::fromUtf8(virDomainGetName(domains[i]));
                std::free(xml);
            }
        }
        virDomainFree(domains[i]);
    }
    std::free(domains);
    virResetLastError();
    return user;
}

bool sameFile(const QString& a, const QString& b)
{
    const QFileInfo first(a);
    const QFileInfo second(b);
    if (first.exists() && second.exists())
        return first.canonicalFilePath() == second.canonicalFilePath();
    return first.absoluteFilePath() == second.absoluteFilePath();
}

// Deletes the overlay made for the domain: only with a base image, never the base.
Result<void> deleteOverlay(const LibvirtTarget& target, const QString& name, const QString& hd,
                           const QString& base)
{
    if (base.isEmpty() || hd.isEmpty())
        return {};
    if (sameFile(hd, base)) {
        qCWarning(lcLibvirt).noquote() << u"worker %1:"_s.arg(target.worker) << "hd_image" << hd
                                       << "is the base image; not deleted";
        return {};
    }
    const QFileInfo overlay(hd);
    if (!overlay.exists() && !overlay.isSymLink())
        return {};
    QFile file(hd);
    if (!file.remove())
        return Error{target.refusal(u"domain \"%1\" is stopped, but its overlay %2 cannot be "
                                    u"deleted: %3"_s.arg(name, hd, file.errorString()))};
    qCDebug(lcLibvirt).noquote() << "deleted overlay" << hd << "of worker" << target.worker;
    return {};
}

enum class Liveness
{
    Gone,
    Off,
    On,
    Unknown,
};

Liveness livenessOf(const LibvirtTarget& target, const QString& name, QString* error)
{
    virConnectPtr conn = LibvirtService::instance().connection(target.config.connection, error);
    if (!conn)
        return Liveness::Unknown;
    const Lookup found = lookup(conn, name);
    if (found.missing)
        return Liveness::Gone;
    if (!found.domain) {
        *error = found.error;
        return Liveness::Unknown;
    }
    const int active = virDomainIsActive(found.domain.get());
    if (active < 0) {
        *error = libvirtLastError();
        return Liveness::Unknown;
    }
    return active ? Liveness::On : Liveness::Off;
}

// Destroys the domain; a domain that went away meanwhile counts as stopped.
void destroyDomain(const LibvirtTarget& target, const QString& name, const Domain& domain,
                   const std::function<void()>& stopped,
                   const std::function<void(Result<void>)>& finish)
{
    if (virDomainDestroy(domain.get()) < 0) {
        const QString message = libvirtLastError();
        QString error;
        const Liveness now = livenessOf(target, name, &error);
        if (now != Liveness::Gone && now != Liveness::Off) {
            finish(Error{target.failure(u"cannot destroy domain \"%1\""_s.arg(name), message)});
            return;
        }
    }
    stopped();
}

// After a shutdown request: polls on the ym-libvirt thread (no sleeping) until
// the domain is off or gone; destroys it after target.shutdownTimeoutMs.
void awaitShutdown(const LibvirtTarget& target, const QString& name, const Domain& domain,
                   const std::function<void()>& stopped,
                   const std::function<void(Result<void>)>& finish)
{
    const auto isDown = [target, name] {
        QString error;
        const Liveness now = livenessOf(target, name, &error);
        return now == Liveness::Gone || now == Liveness::Off;
    };
    if (isDown()) {
        stopped();
        return;
    }
    auto* poll = new QTimer(LibvirtService::instance().context());
    poll->setInterval(250);
    const QDeadlineTimer deadline(target.shutdownTimeoutMs);
    QObject::connect(poll, &QTimer::timeout, poll,
                     [poll, deadline, isDown, target, name, domain, stopped, finish] {
                         if (isDown()) {
                             poll->deleteLater();
                             stopped();
                         } else if (deadline.hasExpired()) {
                             poll->deleteLater();
                             qCInfo(lcLibvirt).noquote()
                                 << u"worker %1:"_s.arg(target.worker) << "domain" << name
                                 << "did not shut down in time; destroying it";
                             destroyDomain(target, name, domain, stopped, finish);
                         }
                     });
    poll->start();
}

} // namespace

namespace LibvirtOps {

Result<InstanceInfo> start(const LibvirtTarget& target, const QString& name)
{
    const LibvirtConfig& config = target.config;
    const QString uri = redactedUri(config.connection);
    QString error;
    virConnectPtr conn = LibvirtService::instance().connection(config.connection, &error);
    if (!conn)
        return Error{target.failure(u"cannot connect to libvirt"_s, error)};
    const Lookup found = lookup(conn, name);
    if (!found.domain && !found.missing)
        return Error{target.failure(u"cannot look up domain \"%1\""_s.arg(name), found.error)};
    if (found.domain && virDomainIsActive(found.domain.get()) == 1)
        return Error{target.refusal(
            u"domain \"%1\" at %2 is already running; not started by this master"_s.arg(name,
                                                                                        uri))};
    if (!config.xml.isEmpty()) {
        const Result<QString> named = xmlDomainName(config.xml);
        if (!named)
            return Error{target.refusal(named.error().message)};
        if (*named != name)
            return Error{target.refusal(
                u"the configured xml defines domain \"%1\"; it must be named like the worker (\"%2\")"_s
                    .arg(*named, name))};
    } else if (found.missing) {
        return Error{target.refusal(
            u"no libvirt domain named \"%1\" is defined at %2 and no xml is configured"_s.arg(
                name, uri))};
    }

    const QString hd = absolute(config.hdImage);
    const QString base = absolute(config.baseImage);
    bool madeOverlay = false;
    if (!base.isEmpty()) {
        if (hd.isEmpty())
            return Error{target.refusal(u"base_image %1 is set but hd_image is not"_s.arg(base))};
        if (!QFileInfo(base).isFile())
            return Error{target.refusal(u"base image %1 does not exist"_s.arg(base))};
        if (sameFile(hd, base))
            return Error{target.refusal(u"hd_image %1 is the base image itself"_s.arg(hd))};
        if (QFileInfo::exists(hd)) {
            const Result<QString> user = activeUserOf(conn, hd);
            if (!user)
                return Error{
                    target.failure(u"cannot list running domains"_s, user.error().message)};
            if (!user->isEmpty())
                return Error{target.refusal(
                    u"hd_image %1 is in use by running domain \"%2\""_s.arg(hd, *user))};
            QFile leftover(hd);
            if (!leftover.remove())
                return Error{target.refusal(u"cannot replace the leftover overlay %1: %2"_s.arg(
                    hd, leftover.errorString()))};
            qCInfo(lcLibvirt).noquote()
                << u"worker %1:"_s.arg(target.worker) << "replaced the leftover overlay" << hd;
        }
        const Result<void> made = QemuImg::createOverlay(base, hd);
        if (!made)
            return Error{target.refusal(u"cannot create overlay %1 of base image %2: %3"_s.arg(
                hd, base, made.error().message))};
        madeOverlay = true;
    }

    virResetLastError();
    Domain started;
    if (!config.xml.isEmpty())
        started = adopt(virDomainCreateXML(conn, config.xml.toUtf8().constData(), 0));
    else if (virDomainCreate(found.domain.get()) == 0)
        started = found.domain;
    if (!started) {
        const QString message =
            target.failure(u"cannot start domain \"%1\""_s.arg(name), libvirtLastError());
        if (madeOverlay && !QFile::remove(hd))
            qCWarning(lcLibvirt).noquote() << "cannot delete overlay" << hd;
        return Error{message};
    }
    InstanceInfo info = infoOf(target, name, started.get());
    if (info.state == InstanceInfo::State::Absent) { // GetState failed: it did start
        info.state = InstanceInfo::State::Running;
        info.detail = u"started"_s;
    }
    qCInfo(lcLibvirt).noquote() << u"worker %1:"_s.arg(target.worker) << "started domain" << name
                                << "at" << uri
                                << (madeOverlay ? u"on a fresh overlay"_s : QString());
    return info;
}

void stop(const LibvirtTarget& target, const InstanceRef& ref, bool force,
          std::function<void(Result<void>)> finish)
{
    const QString name = !ref.instanceId.isEmpty() ? ref.instanceId
                         : !ref.worker.isEmpty()   ? ref.worker
                                                   : target.worker;
    // What start made, as the ledger recorded it (else as configured now).
    const auto fact = [&ref](const QString& key, const QString& configured) {
        return ref.attributes.contains(key) ? ref.attributes.value(key).toString()
                                            : absolute(configured);
    };
    const QString hd = fact(u"hd_image"_s, target.config.hdImage);
    const QString base = fact(u"base_image"_s, target.config.baseImage);
    const std::function<void()> stopped = [target, name, hd, base, finish] {
        finish(deleteOverlay(target, name, hd, base));
    };

    QString error;
    switch (livenessOf(target, name, &error)) {
    case Liveness::Gone:
    case Liveness::Off:
        stopped();
        return;
    case Liveness::Unknown:
        finish(Error{target.failure(u"cannot stop domain \"%1\""_s.arg(name), error)});
        return;
    case Liveness::On:
        break;
    }
    virConnectPtr conn = LibvirtService::instance().connection(target.config.connection, &error);
    const Lookup found = conn ? lookup(conn, name) : Lookup{nullptr, false, error};
    if (found.missing) { // gone meanwhile
        stopped();
        return;
    }
    const Domain domain = found.domain;
    if (!domain) {
        finish(Error{target.failure(u"cannot stop domain \"%1\""_s.arg(name), found.error)});
        return;
    }
    if (force) {
        destroyDomain(target, name, domain, stopped, finish);
        return;
    }
    if (virDomainShutdown(domain.get()) < 0) {
        qCInfo(lcLibvirt).noquote()
            << u"worker %1:"_s.arg(target.worker) << "domain" << name << "refused to shut down ("
            << libvirtLastError() << "); destroying it";
        destroyDomain(target, name, domain, stopped, finish);
        return;
    }
    awaitShutdown(target, name, domain, stopped, finish);
}

Result<InstanceInfo> describe(const LibvirtTarget& target, const QString& name)
{
    QString error;
    virConnectPtr conn = LibvirtService::instance().connection(target.config.connection, &error);
    if (!conn)
        return Error{target.failure(u"cannot connect to libvirt"_s, error)};
    const Lookup found = lookup(conn, name);
    if (!found.domain && !found.missing)
        return Error{target.failure(u"cannot look up domain \"%1\""_s.arg(name), found.error)};
    return infoOf(target, name, found.domain.get());
}

Result<QString> probe(const LibvirtTarget& target)
{
    QString error;
    virConnectPtr conn = LibvirtService::instance().connection(target.config.connection, &error);
    if (!conn)
        return Error{target.failure(u"cannot connect to libvirt"_s, error)};
    virDomainPtr* domains = nullptr;
    const int count = virConnectListAllDomains(conn, &domains, 0);
    if (count < 0)
        return Error{target.failure(u"cannot list domains"_s, libvirtLastError())};
    QStringList entries;
    for (int i = 0; i < count; ++i) {
        int state = 0;
        int reason = 0;
        const QString word = virDomainGetState(domains[i], &state, &reason, 0) == 0
                                 ? stateOf(state).word
                                 : u"unknown"_s;
        entries.append(u"%1 (%2)"_s.arg(QString::fromUtf8(virDomainGetName(domains[i])), word));
        virDomainFree(domains[i]);
    }
    std::free(domains);
    virResetLastError();
    std::sort(entries.begin(), entries.end());
    const QString uri = redactedUri(target.config.connection);
    if (entries.isEmpty())
        return u"%1: no domains"_s.arg(uri);
    return u"%1: %2 %3: %4"_s.arg(uri)
        .arg(entries.size())
        .arg(entries.size() == 1 ? u"domain"_s : u"domains"_s, entries.join(u", "_s));
}

} // namespace LibvirtOps

} // namespace ym::latent
