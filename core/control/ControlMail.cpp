// ControlServer: the mail command (test-mail).
#include "control/ControlServer.h"

#include "engine/Master.h"
#include "util/Logging.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace ym {

void ControlServer::testMail(const QJsonObject& request, const Answer& answer)
{
    const QJsonValue address = request.value(u"address"_s);
    if (!address.isString() || address.toString().trimmed().isEmpty()) {
        answer(QJsonObject{{u"ok"_s, false},
                           {u"errors"_s, QJsonArray{u"test-mail needs an \"address\""_s}}});
        return;
    }
    const QString to = address.toString().trimmed();
    qCInfo(lcControl).noquote() << "test message requested via the control socket to" << to;
    m_master.sendTestMail(to, [answer, to](Result<QString> r) {
        if (r.ok())
            answer(QJsonObject{{u"ok"_s, true}, {u"address"_s, to}, {u"answer"_s, r.value()}});
        else
            answer(QJsonObject{{u"ok"_s, false}, {u"errors"_s, QJsonArray{r.error().message}}});
    });
}

} // namespace ym
