#include "support/SmtpSink.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;

namespace ymtest {

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString script(const char* name)
{
    return QStringLiteral(YM_SOURCE_DIR) + u"/tests/support/"_s + QLatin1StringView(name);
}

} // namespace

QString SmtpSink::Message::header(const QString& name) const
{
    return decoded.value(u"headers"_s).toObject().value(name).toArray().at(0).toString();
}

QString SmtpSink::Message::body() const
{
    return decoded.value(u"body"_s).toString();
}

SmtpSink::SmtpSink(Options options) : m_options(std::move(options)), m_dir(u"/tmp/ymsmtp-XXXXXX"_s)
{
    QDir().mkpath(folder());
}

SmtpSink::SmtpSink() : SmtpSink(Options{})
{}

SmtpSink::~SmtpSink()
{
    stop();
    if (QTest::currentTestFailed())
        qWarning().noquote() << "----- SMTP sink log -----\n"
                             << log() << "\n"
                             << transactions().join(u'\n') << "\n-----";
}

quint16 SmtpSink::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QString SmtpSink::folder() const
{
    return m_dir.path() + u"/mail"_s;
}

QString SmtpSink::certificate() const
{
    return m_dir.path() + u"/cert.pem"_s;
}

bool SmtpSink::makeCertificate()
{
    if (QFile::exists(certificate()))
        return true;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s,
                           u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                           u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s, u"-keyout"_s,
                           m_dir.path() + u"/key.pem"_s, u"-out"_s, certificate()});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning().noquote() << "openssl could not make a test certificate:" << p.readAll();
        return false;
    }
    return true;
}

bool SmtpSink::start(quint16 port)
{
    if (isRunning())
        return true;
    QStringList args{u"-u"_s,     script("smtp_sink.py"), u"--folder"_s, folder(),
                     u"--port"_s, QString::number(port)};
    if (!m_options.dataReply.isEmpty())
        args << u"--data-reply"_s << QString::fromUtf8(m_options.dataReply);
    if (m_options.starttls || m_options.implicitTls) {
        if (!makeCertificate())
            return false;
        args << u"--cert"_s << certificate() << u"--key"_s << m_dir.path() + u"/key.pem"_s;
        if (m_options.implicitTls)
            args << u"--implicit-tls"_s;
    }
    if (!m_options.authUser.isEmpty())
        args << u"--auth"_s
             << m_options.authUser + u':' + QString::fromUtf8(m_options.authPassword);
    m_proc.setProcessChannelMode(QProcess::SeparateChannels);
    m_proc.setStandardErrorFile(m_dir.path() + u"/sink.log"_s, QIODevice::Append);
    m_proc.start(u"/usr/bin/python3"_s, args);
    if (!m_proc.waitForStarted(10000)) {
        qWarning().noquote() << "cannot start the SMTP sink:" << m_proc.errorString();
        return false;
    }
    QDeadlineTimer deadline(30000);
    QByteArray out;
    while (!deadline.hasExpired() && m_proc.state() == QProcess::Running) {
        m_proc.waitForReadyRead(200);
        out += m_proc.readAllStandardOutput();
        const qsizetype at = out.indexOf("PORT ");
        if (at >= 0 && out.indexOf('\n', at) > at) {
            m_port = quint16(out.mid(at + 5, out.indexOf('\n', at) - at - 5).trimmed().toUInt());
            return m_port != 0;
        }
    }
    qWarning().noquote() << "the SMTP sink did not start listening:" << out << log();
    stop();
    return false;
}

void SmtpSink::stop()
{
    if (m_proc.state() == QProcess::NotRunning)
        return;
    m_proc.terminate();
    if (!m_proc.waitForFinished(5000)) {
        m_proc.kill();
        m_proc.waitForFinished(5000);
    }
}

bool SmtpSink::isRunning() const
{
    return m_proc.state() == QProcess::Running;
}

QList<SmtpSink::Message> SmtpSink::messages() const
{
    QList<Message> out;
    const QStringList files = QDir(folder()).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString& f : files) {
        Message m;
        m.decoded = QJsonDocument::fromJson(readAll(folder() + u'/' + f)).object();
        m.mailFrom = m.decoded.value(u"mail_from"_s).toString();
        m.rcptTo = m.decoded.value(u"rcpt_to"_s).toString();
        QByteArray raw = readAll(folder() + u'/' + f.chopped(5) + u".eml"_s);
        // Drop the two envelope lines the sink put in front.
        for (int i = 0; i < 2; ++i)
            raw = raw.mid(raw.indexOf("\r\n") + 2);
        m.raw = raw;
        out << m;
    }
    return out;
}

QStringList SmtpSink::transactions() const
{
    return QString::fromUtf8(readAll(folder() + u"/transactions.log"_s))
        .split(u'\n', Qt::SkipEmptyParts);
}

QString SmtpSink::log() const
{
    return QString::fromUtf8(readAll(m_dir.path() + u"/sink.log"_s));
}

} // namespace ymtest
