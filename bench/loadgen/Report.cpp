#include "Report.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <string>

using namespace Qt::StringLiterals;

namespace ymbench {

namespace {

struct Field
{
    const char16_t* key;
    int DriverStats::*member;
};

const Field Counters[] = {
    {u"count", &DriverStats::count},
    {u"attached", &DriverStats::attached},
    {u"attached_late", &DriverStats::attachedLate},
    {u"refused", &DriverStats::refused},
    {u"workers_refused", &DriverStats::workersRefused},
    {u"other_http", &DriverStats::otherHttp},
    {u"connect_errors", &DriverStats::connectErrors},
    {u"handshake_timeouts", &DriverStats::handshakeTimeouts},
    {u"bad_upgrades", &DriverStats::badUpgrades},
    {u"disconnects", &DriverStats::disconnects},
    {u"dropped_before_attach", &DriverStats::droppedBeforeAttach},
    {u"retries", &DriverStats::retries},
    {u"keepalives_answered", &DriverStats::keepalivesAnswered},
    {u"prints_answered", &DriverStats::printsAnswered},
    {u"error_responses", &DriverStats::errorResponses},
    {u"unknown_ops", &DriverStats::unknownOps},
    {u"shutdowns", &DriverStats::shutdowns},
    {u"connected_at_end", &DriverStats::connectedAtEnd},
};

QString key(const char16_t* k)
{
    return QString::fromUtf16(k);
}

double round3(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

} // namespace

QJsonObject DriverStats::toJson() const
{
    QJsonObject o;
    for (const Field& f : Counters)
        o.insert(key(f.key), this->*f.member);
    QJsonObject st;
    for (const auto& [code, n] : httpStatuses)
        st.insert(QString::number(code), n);
    o.insert(u"http_statuses"_s, st);
    QJsonArray ms;
    for (double v : attachMs)
        ms.append(round3(v));
    o.insert(u"attach_ms_all"_s, ms);
    o.insert(u"last_attach_ns"_s, double(lastAttachNs));
    return o;
}

DriverStats DriverStats::fromJson(const QJsonObject& o)
{
    DriverStats s;
    for (const Field& f : Counters)
        s.*f.member = o.value(key(f.key)).toInt();
    const QJsonObject st = o.value(u"http_statuses"_s).toObject();
    for (auto it = st.begin(); it != st.end(); ++it)
        s.httpStatuses[it.key().toInt()] = it.value().toInt();
    const QJsonArray ms = o.value(u"attach_ms_all"_s).toArray();
    s.attachMs.reserve(size_t(ms.size()));
    for (const QJsonValue& v : ms)
        s.attachMs.push_back(v.toDouble());
    s.lastAttachNs = int64_t(o.value(u"last_attach_ns"_s).toDouble());
    return s;
}

void DriverStats::merge(const DriverStats& other)
{
    for (const Field& f : Counters)
        this->*f.member += other.*f.member;
    for (const auto& [code, n] : other.httpStatuses)
        httpStatuses[code] += n;
    attachMs.insert(attachMs.end(), other.attachMs.begin(), other.attachMs.end());
    lastAttachNs = std::max(lastAttachNs, other.lastAttachNs);
}

QJsonObject finalReport(const DriverStats& s, int64_t t0Ns, bool allDone, double elapsedS,
                        const MasterSamples* master)
{
    QJsonObject o;
    for (const Field& f : Counters)
        o.insert(key(f.key), s.*f.member);
    o.insert(u"never_attached"_s, s.count - s.attached);
    std::vector<double> ms = s.attachMs;
    std::sort(ms.begin(), ms.end());
    auto pct = [&ms](double p) -> QJsonValue {
        if (ms.empty())
            return QJsonValue::Null;
        // nearest rank
        size_t rank = size_t(std::ceil(p / 100.0 * double(ms.size())));
        rank = std::clamp<size_t>(rank, 1, ms.size());
        return round3(ms[rank - 1]);
    };
    o.insert(u"attach_ms"_s, QJsonObject{{u"p50"_s, pct(50)},
                                         {u"p90"_s, pct(90)},
                                         {u"p99"_s, pct(99)},
                                         {u"max"_s, pct(100)}});
    if (allDone && s.attached == s.count && s.lastAttachNs > 0)
        o.insert(u"all_attached_s"_s, round3(double(s.lastAttachNs - t0Ns) / 1e9));
    else
        o.insert(u"all_attached_s"_s, QJsonValue::Null);
    QJsonObject st;
    for (const auto& [code, n] : s.httpStatuses)
        st.insert(QString::number(code), n);
    o.insert(u"http_statuses"_s, st);
    o.insert(u"elapsed_s"_s, round3(elapsedS));
    if (master && master->valid) {
        o.insert(u"master"_s, QJsonObject{{u"rss_kb_start"_s, double(master->rssStart)},
                                          {u"rss_kb_peak"_s, double(master->rssPeak)},
                                          {u"rss_kb_end"_s, double(master->rssEnd)},
                                          {u"cpu_s_attach"_s, round3(master->cpuAttach)},
                                          {u"cpu_s_hold"_s, round3(master->cpuHold)}});
    }
    return o;
}

std::string summary(const QJsonObject& r)
{
    auto num = [&r](const QString& k) {
        return r.value(k).toVariant().toString().toStdString();
    };
    const QJsonObject ms = r.value(u"attach_ms"_s).toObject();
    auto msv = [&ms](const QString& k) {
        return ms.value(k).isNull() ? std::string("-")
                                    : QString::number(ms.value(k).toDouble()).toStdString();
    };
    std::string out = "ym-loadgen: attached " + num(u"attached"_s) + " of " + num(u"count"_s) +
                      " (never " + num(u"never_attached"_s) + ", late " + num(u"attached_late"_s) +
                      "), refused " + num(u"refused"_s) + ", connect errors " +
                      num(u"connect_errors"_s) + ", handshake timeouts " +
                      num(u"handshake_timeouts"_s) + ", disconnects " + num(u"disconnects"_s) +
                      ", retries " + num(u"retries"_s) + "\n";
    out += "  attach ms p50 " + msv(u"p50"_s) + " p90 " + msv(u"p90"_s) + " p99 " + msv(u"p99"_s) +
           " max " + msv(u"max"_s) + "; all attached after " +
           (r.value(u"all_attached_s"_s).isNull() ? std::string("-")
                                                  : num(u"all_attached_s"_s) + " s") +
           "; keepalives answered " + num(u"keepalives_answered"_s) + "\n";
    if (r.contains(u"master"_s)) {
        const QJsonObject m = r.value(u"master"_s).toObject();
        auto mv = [&m](const QString& k) {
            return m.value(k).toVariant().toString().toStdString();
        };
        out += "  master RSS kB start " + mv(u"rss_kb_start"_s) + " peak " + mv(u"rss_kb_peak"_s) +
               " end " + mv(u"rss_kb_end"_s) + "; CPU s attach " + mv(u"cpu_s_attach"_s) +
               " hold " + mv(u"cpu_s_hold"_s) + "\n";
    }
    return out;
}

} // namespace ymbench
