#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace ymtest {

// A real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) on 127.0.0.1,
// started and stopped by the test. Every message delivered to a recipient is
// kept in a private folder, with what Python's email package decodes from it.
class SmtpSink
{
public:
    struct Options
    {
        QByteArray dataReply;     // e.g. "550 5.7.1 refused": answer every DATA with it
        bool starttls = false;    // offer and require STARTTLS (self-signed certificate)
        bool implicitTls = false; // TLS from the first byte (SMTPS)
        QString authUser;         // require AUTH with this user and password
        QByteArray authPassword;
    };

    struct Message
    {
        QString mailFrom;
        QString rcptTo;
        QByteArray raw;      // as received (after the sink's X-MailFrom/X-RcptTo lines)
        QJsonObject decoded; // mail_decode.py's view: headers, addresses, body, defects...
        QString header(const QString& name) const; // decoded, first one
        QString body() const;
    };

    explicit SmtpSink(Options options);
    SmtpSink();
    ~SmtpSink(); // stop()

    // A port that was free a moment ago (to start a sink on later).
    static quint16 freePort();
    // Starts the server (port 0: any free port) and waits until it listens.
    bool start(quint16 port = 0);
    void stop();
    bool isRunning() const;
    quint16 port() const { return m_port; }
    QString folder() const;
    // The self-signed certificate (for mail.ca_file) when TLS is on.
    QString certificate() const;

    QList<Message> messages() const; // in arrival order
    // One line per DATA command the server answered ("DATA 250 ..." / "DATA 550 ...").
    QStringList transactions() const;
    QString log() const; // the server's own output

private:
    bool makeCertificate();

    Options m_options;
    QTemporaryDir m_dir;
    QProcess m_proc;
    quint16 m_port = 0;
};

} // namespace ymtest
