#include "mail/SmtpSender.h"

#include "mail/MailLogging.h"

#include <QFile>
#include <QHostInfo>
#include <QUrl>

#include <curl/curl.h>

#include <mutex>

namespace ym {

QString SmtpSettings::where() const
{
    const QString h = host.contains(u':') ? u'[' + host + u']' : host;
    const QString mode = tls == MailConfig::Tls::None
                             ? QString()
                             : QStringLiteral(" (%1)").arg(MailConfig::tlsName(tls));
    return QStringLiteral("%1:%2%3").arg(h).arg(port).arg(mode);
}

QString MailOutcome::text() const
{
    if (kind == Kind::Sent)
        return serverAnswer.isEmpty() ? QStringLiteral("accepted") : serverAnswer;
    if (serverAnswer.isEmpty())
        return error;
    return QStringLiteral("%1; the server answered: %2").arg(error, serverAnswer);
}

namespace mail {

namespace {

void initCurl()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer
{
    const QByteArray* message = nullptr;
    qsizetype offset = 0;
    QStringList replyLines; // the reply being read
    QStringList replies;    // every complete reply, in order
    std::atomic<bool>* abort = nullptr;
};

size_t readMessage(char* buffer, size_t size, size_t count, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    const qsizetype left = t->message->size() - t->offset;
    const qsizetype n = std::min<qsizetype>(left, qsizetype(size * count));
    if (n > 0) {
        memcpy(buffer, t->message->constData() + t->offset, size_t(n));
        t->offset += n;
    }
    return size_t(n);
}

// Only what the server says (CURLINFO_HEADER_IN) is kept: what we send
// includes the AUTH exchange and must never be recorded.
int debugData(CURL*, curl_infotype type, char* data, size_t size, void* user)
{
    if (type != CURLINFO_HEADER_IN)
        return 0;
    auto* t = static_cast<Transfer*>(user);
    const QString text = QString::fromUtf8(data, qsizetype(size));
    for (const QString& raw : text.split(u'\n', Qt::SkipEmptyParts)) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        t->replyLines << line;
        // "250-..." continues a reply; "250 ..." (or "250") ends it.
        if (line.size() < 4 || line.at(3) != u'-') {
            t->replies << t->replyLines.join(QStringLiteral(" | "));
            t->replyLines.clear();
        }
    }
    return 0;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto* t = static_cast<Transfer*>(user);
    return t->abort->load() ? 1 : 0;
}

QByteArray ehloName()
{
    const QByteArray ace = QUrl::toAce(QHostInfo::localHostName());
    return ace.isEmpty() ? QByteArrayLiteral("localhost") : ace;
}

MailOutcome classify(CURLcode code, long smtpCode, const QString& lastReply, const char* errbuf,
                     const SmtpSettings& s)
{
    MailOutcome o;
    o.smtpCode = int(smtpCode);
    o.serverAnswer = lastReply;
    if (code == CURLE_OK) {
        o.kind = MailOutcome::Kind::Sent;
        return o;
    }
    const QString detail = QString::fromUtf8(errbuf[0] ? errbuf : curl_easy_strerror(code));
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
        o.error = QStringLiteral("cannot find the SMTP server %1 (%2)").arg(s.where(), detail);
        break;
    case CURLE_COULDNT_CONNECT:
        o.error =
            QStringLiteral("cannot connect to the SMTP server %1 (%2)").arg(s.where(), detail);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        o.error =
            QStringLiteral("the SMTP server %1 did not answer in time (%2)").arg(s.where(), detail);
        break;
    case CURLE_USE_SSL_FAILED:
        o.error = QStringLiteral("the SMTP server %1 does not offer STARTTLS (%2)")
                      .arg(s.where(), detail);
        break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        o.error = QStringLiteral("TLS with the SMTP server %1 failed (%2)").arg(s.where(), detail);
        break;
    case CURLE_LOGIN_DENIED:
        o.error = QStringLiteral("the SMTP server %1 refused the login of '%2' (%3)")
                      .arg(s.where(), s.username, detail);
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        o.error = QStringLiteral("sending was interrupted: the master is shutting down");
        break;
    default:
        o.error = QStringLiteral("sending through %1 failed (%2)").arg(s.where(), detail);
        break;
    }
    if (smtpCode >= 500 && smtpCode < 600)
        o.kind = MailOutcome::Kind::Permanent;
    else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ||
             code == CURLE_NOT_BUILT_IN || code == CURLE_SSL_CACERT_BADFILE)
        o.kind = MailOutcome::Kind::Permanent; // a setting that cannot work
    else
        o.kind = MailOutcome::Kind::Temporary;
    return o;
}

} // namespace

void SmtpWorker::run(quint64 job, const SmtpSettings& s, const MailDelivery& delivery)
{
    initCurl();
    Transfer t;
    t.message = &delivery.message;
    t.abort = m_abort.get();
    char errbuf[CURL_ERROR_SIZE] = {};

    CURL* curl = curl_easy_init();
    if (!curl) {
        MailOutcome o;
        o.error = QStringLiteral("cannot start an SMTP transfer (libcurl could not initialise)");
        Q_EMIT finished(job, o);
        return;
    }
    const QString host = s.host.contains(u':') ? u'[' + s.host + u']' : s.host;
    QByteArray fullUrl = (s.tls == MailConfig::Tls::Tls ? QByteArrayLiteral("smtps://")
                                                        : QByteArrayLiteral("smtp://"));
    fullUrl += s.host.contains(u':') ? host.toUtf8() : QUrl::toAce(s.host);
    fullUrl += ':' + QByteArray::number(s.port) + '/' + ehloName();

    const QByteArray from = '<' + delivery.envelopeFrom + '>';
    curl_slist* rcpts = nullptr;
    for (const QByteArray& r : delivery.recipients)
        rcpts = curl_slist_append(rcpts, ('<' + r + '>').constData());
    const QByteArray user = s.username.toUtf8();
    const QByteArray ca = QFile::encodeName(s.caFile);

    curl_easy_setopt(curl, CURLOPT_URL, fullUrl.constData());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(s.connectTimeoutMs));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(s.timeoutMs));
    curl_easy_setopt(curl, CURLOPT_USE_SSL,
                     s.tls == MailConfig::Tls::None ? long(CURLUSESSL_NONE) : long(CURLUSESSL_ALL));
    if (!s.caFile.isEmpty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, ca.constData());
    if (!s.username.isEmpty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, user.constData());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, s.password.constData());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.constData());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, readMessage);
    curl_easy_setopt(curl, CURLOPT_READDATA, &t);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(delivery.message.size()));
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); // feeds debugData; nothing is printed
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, debugData);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);

    const CURLcode code = curl_easy_perform(curl);
    long smtpCode = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtpCode);
    // The reply that decided: the last one with the final code (not the "221"
    // to a QUIT that may follow a failure).
    QString answer;
    const QString codeText = QString::number(smtpCode);
    for (qsizetype i = t.replies.size() - 1; i >= 0 && answer.isEmpty(); --i) {
        if (smtpCode > 0 && t.replies[i].startsWith(codeText))
            answer = t.replies[i];
    }
    for (qsizetype i = t.replies.size() - 1; i >= 0 && answer.isEmpty(); --i) {
        if (!t.replies[i].startsWith(QStringLiteral("221")))
            answer = t.replies[i];
    }
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(curl);

    Q_EMIT finished(job, classify(code, smtpCode, answer, errbuf, s));
}

} // namespace mail

SmtpSender::SmtpSender(QObject* parent)
    : QObject(parent), m_abort(std::make_shared<std::atomic<bool>>(false))
{
    qRegisterMetaType<ym::MailOutcome>();
    m_worker = new mail::SmtpWorker(m_abort);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &mail::SmtpWorker::finished, this, &SmtpSender::onFinished,
            Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("ym-smtp"));
    m_thread.start();
}

SmtpSender::~SmtpSender()
{
    m_abort->store(true);
    m_thread.quit();
    m_thread.wait();
}

void SmtpSender::send(const SmtpSettings& settings, const MailDelivery& delivery, QObject* context,
                      std::function<void(MailOutcome)> done)
{
    const quint64 job = ++m_lastJob;
    m_pending.insert(job, Pending{context, std::move(done)});
    mail::SmtpWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, job, settings, delivery] { worker->run(job, settings, delivery); },
        Qt::QueuedConnection);
}

void SmtpSender::onFinished(quint64 job, const MailOutcome& outcome)
{
    const auto it = m_pending.find(job);
    if (it == m_pending.end())
        return;
    Pending p = std::move(*it);
    m_pending.erase(it);
    if (!p.context || !p.done)
        return;
    if (p.context->thread() == thread()) {
        p.done(outcome);
        return;
    }
    auto done = std::move(p.done);
    QMetaObject::invokeMethod(
        p.context.data(), [done, outcome] { done(outcome); }, Qt::QueuedConnection);
}

} // namespace ym
