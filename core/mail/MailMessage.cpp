#include "mail/MailMessage.h"

#include <QHostInfo>
#include <QLocale>
#include <QRandomGenerator>
#include <QTimeZone>
#include <QUrl>

namespace ym {

namespace {

constexpr int MaxLine = 78;          // RFC 5322 recommends at most 78 characters a line
constexpr int EncodedWordBytes = 39; // UTF-8 bytes per encoded word: 52 base64 characters
constexpr int QpLine = 76;           // RFC 2045

bool printableAscii(const QString& s)
{
    for (QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

// Splits UTF-8 into pieces of at most `max` bytes without cutting a character.
QList<QByteArray> utf8Pieces(const QByteArray& utf8, int max)
{
    QList<QByteArray> out;
    qsizetype start = 0;
    while (start < utf8.size()) {
        qsizetype end = std::min<qsizetype>(start + max, utf8.size());
        // Back off while the byte at `end` continues a character (10xxxxxx).
        while (end < utf8.size() && end > start && (uchar(utf8[end]) & 0xC0) == 0x80)
            --end;
        if (end == start) // a single over-long sequence; cannot happen with max >= 4
            end = std::min<qsizetype>(start + max, utf8.size());
        out << utf8.mid(start, end - start);
        start = end;
    }
    return out;
}

// Joins words with spaces, folding (CRLF + space) before a word that would
// make the line longer than MaxLine; `used` is what the line holds already.
QByteArray fold(const QList<QByteArray>& words, qsizetype used)
{
    QByteArray out;
    qsizetype line = used;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QByteArray& w = words[i];
        if (i > 0) {
            if (line + 1 + w.size() > MaxLine) {
                out += "\r\n ";
                line = 1;
            } else {
                out += ' ';
                ++line;
            }
        }
        out += w;
        line += w.size();
    }
    return out;
}

} // namespace

void MailMessage::addHeader(const QByteArray& name, const QString& value)
{
    m_extra.append({name, value});
}

QByteArray MailMessage::headerValue(const QByteArray& name, const QString& text)
{
    const qsizetype used = name.size() + 2;
    if (printableAscii(text) && !text.contains(QStringLiteral("=?"))) {
        QList<QByteArray> words;
        for (const QString& w : text.split(u' ', Qt::SkipEmptyParts))
            words << w.toLatin1();
        return fold(words, used);
    }
    QList<QByteArray> words;
    for (const QByteArray& piece : utf8Pieces(text.toUtf8(), EncodedWordBytes))
        words << "=?utf-8?b?" + piece.toBase64() + "?=";
    // Whitespace between encoded words is not part of the text (RFC 2047 6.2).
    return fold(words, used);
}

QByteArray MailMessage::quotedPrintable(const QString& text)
{
    static const char hex[] = "0123456789ABCDEF";
    QString normalized = text;
    normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    normalized.replace(u'\r', u'\n');
    const QStringList lines = normalized.split(u'\n');
    QByteArray out;
    for (qsizetype li = 0; li < lines.size(); ++li) {
        const QByteArray bytes = lines[li].toUtf8();
        QByteArray line;
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            const uchar c = uchar(bytes[i]);
            const bool last = i + 1 == bytes.size();
            QByteArray piece;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
                piece = QByteArray(1, char(c));
            else
                piece = QByteArray("=") + hex[c >> 4] + hex[c & 15];
            // Room for the piece and, unless it ends the line, a soft break "=".
            const qsizetype room = last ? QpLine : QpLine - 1;
            if (line.size() + piece.size() > room) {
                out += line + "=\r\n";
                line.clear();
            }
            line += piece;
        }
        out += line;
        if (li + 1 < lines.size())
            out += "\r\n";
    }
    return out;
}

QByteArray MailMessage::dateText(const QDateTime& time)
{
    const QDateTime t = time.isValid() ? time : QDateTime::currentDateTime();
    const int offset = t.offsetFromUtc() / 60;
    const QString zone = QStringLiteral("%1%2%3")
                             .arg(offset < 0 ? QStringLiteral("-") : QStringLiteral("+"))
                             .arg(std::abs(offset) / 60, 2, 10, QChar(u'0'))
                             .arg(std::abs(offset) % 60, 2, 10, QChar(u'0'));
    return (QLocale::c().toString(t, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss")) + u' ' + zone)
        .toLatin1();
}

QByteArray MailMessage::messageId() const
{
    if (m_messageId.isEmpty()) {
        const quint64 a = QRandomGenerator::system()->generate64();
        const quint64 b = QRandomGenerator::system()->generate64();
        QByteArray domain = m_from.asciiDomain();
        if (domain.isEmpty())
            domain = QUrl::toAce(QHostInfo::localHostName());
        if (domain.isEmpty())
            domain = "localhost";
        m_messageId = '<' + QByteArray::number(QDateTime::currentMSecsSinceEpoch(), 36) + '.' +
                      QByteArray::number(a, 36) + QByteArray::number(b, 36) + ".yardmaster@" +
                      domain + '>';
    }
    return m_messageId;
}

QByteArray MailMessage::render() const
{
    QByteArray out;
    const auto header = [&out](const QByteArray& name, const QByteArray& value) {
        out += name + ": " + value + "\r\n";
    };
    header("Date", dateText(m_date));
    header("From", m_from.header());
    QByteArray to;
    for (qsizetype i = 0; i < m_to.size(); ++i)
        to += (i ? ",\r\n " : "") + m_to[i].header();
    header("To", to);
    header("Subject", headerValue("Subject", m_subject));
    header("Message-ID", messageId());
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "quoted-printable");
    for (const auto& [name, value] : m_extra)
        header(name, headerValue(name, value));
    out += "\r\n";
    out += quotedPrintable(m_body);
    if (!out.endsWith("\r\n"))
        out += "\r\n";
    return out;
}

} // namespace ym
