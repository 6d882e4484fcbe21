// ControlServer: the latent worker commands (start-latent, stop-latent, ledger).
#include "control/ControlServer.h"

#include "control/LatentText.h"
#include "engine/Master.h"
#include "storage/Store.h"
#include "util/Logging.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace ym {

namespace {

constexpr int DefaultLedgerLimit = 100;

QJsonObject failed(const QString& error)
{
    return QJsonObject{{u"ok"_s, false}, {u"errors"_s, QJsonArray{error}}};
}

} // namespace

QJsonObject ControlServer::startLatent(const QJsonObject& request)
{
    const QString worker = request.value(u"worker"_s).toString();
    if (worker.isEmpty())
        return failed(u"start-latent: \"worker\" is required"_s);
    const Result<void> r = m_master.startLatentNow(worker);
    if (!r.ok())
        return failed(r.error().message);
    qCInfo(lcControl).noquote() << "latent worker" << worker << "started via the control socket";
    return QJsonObject{{u"ok"_s, true}, {u"worker"_s, worker}};
}

QJsonObject ControlServer::stopLatent(const QJsonObject& request)
{
    const QString worker = request.value(u"worker"_s).toString();
    if (worker.isEmpty())
        return failed(u"stop-latent: \"worker\" is required"_s);
    const QJsonValue force = request.value(u"force"_s);
    if (!force.isUndefined() && !force.isBool())
        return failed(u"stop-latent: \"force\" must be true or false"_s);
    const Result<void> r = m_master.stopLatentNow(worker, force.toBool());
    if (!r.ok())
        return failed(r.error().message);
    qCInfo(lcControl).noquote() << "latent worker" << worker << "stopped via the control socket"
                                << (force.toBool() ? "(forced)" : "");
    return QJsonObject{{u"ok"_s, true}, {u"worker"_s, worker}, {u"force"_s, force.toBool()}};
}

void ControlServer::ledger(const QJsonObject& request, const Answer& answer)
{
    Store* store = m_master.store();
    if (!store)
        return answer(failed(u"the master is not running"_s));
    const QJsonValue workerValue = request.value(u"worker"_s);
    if (!workerValue.isUndefined() && !workerValue.isNull() && !workerValue.isString())
        return answer(failed(u"ledger: \"worker\" must be a worker name"_s));
    const QJsonValue limitValue = request.value(u"limit"_s);
    int limit = DefaultLedgerLimit;
    if (!limitValue.isUndefined() && !limitValue.isNull()) {
        const double v = limitValue.toDouble(-1);
        if (!limitValue.isDouble() || v < 1 || v > 1'000'000 || v != double(qint64(v)))
            return answer(failed(u"ledger: \"limit\" must be an integer from 1 to 1000000"_s));
        limit = int(v);
    }
    store->queryLatentInstances(workerValue.toString(), limit, this,
                                [answer](Result<QList<storage::LatentInstanceRecord>> r) {
                                    if (!r.ok())
                                        return answer(failed(r.error().message));
                                    QJsonArray rows;
                                    for (const storage::LatentInstanceRecord& record : r.value())
                                        rows.append(latenttext::ledgerRowJson(record));
                                    answer(QJsonObject{{u"ok"_s, true}, {u"instances"_s, rows}});
                                });
}

} // namespace ym
