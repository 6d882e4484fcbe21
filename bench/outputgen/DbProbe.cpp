#include "DbProbe.h"

#include "OutputLines.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace ymbench::out {

DbProbe::~DbProbe()
{
    if (m_name.isEmpty())
        return;
    QSqlDatabase::database(m_name, false).close();
    QSqlDatabase::removeDatabase(m_name);
}

bool DbProbe::open(const QString& path, std::string& error)
{
    m_name = QStringLiteral("ym-outputgen-probe");
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
    if (!db.open()) {
        error = "cannot open " + path.toStdString() +
                " read-only: " + db.lastError().text().toStdString();
        return false;
    }
    return true;
}

bool DbProbe::poll()
{
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT COALESCE(SUM(CASE WHEN stream = 'stdout' THEN line_count "
                             "ELSE 0 END), 0), COALESCE(MAX(id), 0) FROM log_chunks WHERE id > ?"));
    q.addBindValue(qint64(m_lastChunk));
    if (!q.exec() || !q.next())
        return false;
    m_lines += q.value(0).toLongLong();
    m_lastChunk = std::max<int64_t>(m_lastChunk, q.value(1).toLongLong());
    return true;
}

int DbProbe::finishedBuilds()
{
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM builds WHERE result IS NOT NULL")) ||
        !q.next())
        return -1;
    return q.value(0).toInt();
}

int64_t DbProbe::buildOf(const QString& worker)
{
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    q.prepare(QStringLiteral("SELECT MAX(id) FROM builds WHERE worker = ?"));
    q.addBindValue(worker);
    if (!q.exec() || !q.next())
        return 0;
    return q.value(0).toLongLong();
}

std::map<std::string, std::string> DbProbe::results()
{
    std::map<std::string, std::string> out;
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (!q.exec(QStringLiteral("SELECT worker, result FROM builds ORDER BY id")))
        return out;
    while (q.next())
        out[q.value(0).toString().toStdString()] = q.value(1).toString().toStdString();
    return out;
}

DbProbe::Check DbProbe::verify(const std::map<std::string, int64_t>& linesByWorker, int lineBytes)
{
    Check c;
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral(
            "SELECT b.worker, c.line_count, c.text FROM log_chunks c JOIN steps s ON s.id = "
            "c.step_id JOIN builds b ON b.id = s.build_id WHERE c.stream = 'stdout' "
            "ORDER BY b.worker, c.id"))) {
        c.error = "cannot read the stored output: " + q.lastError().text().toStdString();
        return c;
    }
    std::map<std::string, int64_t> next; // worker -> next line number expected
    std::map<std::string, std::string> rest;
    auto fail = [&c](std::string why) {
        if (c.error.empty())
            c.error = std::move(why);
    };
    while (q.next()) {
        const std::string worker = q.value(0).toString().toStdString();
        const QByteArray text = q.value(2).toString().toUtf8();
        ++c.chunks;
        c.bytes += text.size();
        std::string& buf = rest[worker];
        buf.append(text.constData(), size_t(text.size()));
        int64_t& expected = next[worker];
        size_t at = 0;
        for (;;) {
            const size_t nl = buf.find('\n', at);
            if (nl == std::string::npos)
                break;
            LineId id;
            const std::string_view line(buf.data() + at, nl - at);
            if (!parseLine(line, lineBytes, id))
                fail("build of " + worker + ": stored line " + std::to_string(expected) +
                     " is not a line that was sent");
            else if (("w" +
                      std::string(5 - std::min<size_t>(5, std::to_string(id.worker).size()), '0') +
                      std::to_string(id.worker)) != worker)
                fail("build of " + worker + ": holds a line of worker " +
                     std::to_string(id.worker));
            else if (int64_t(id.line) != expected)
                fail("build of " + worker + ": line " + std::to_string(id.line) +
                     " stored where line " + std::to_string(expected) + " belongs");
            ++expected;
            ++c.lines;
            at = nl + 1;
        }
        buf.erase(0, at);
    }
    for (const auto& [worker, sent] : linesByWorker) {
        if (next[worker] != sent)
            fail("build of " + worker + ": " + std::to_string(next[worker]) + " lines stored, " +
                 std::to_string(sent) + " sent");
        if (!rest[worker].empty())
            fail("build of " + worker + ": stored output ends inside a line");
    }
    if (next.size() > linesByWorker.size())
        fail("stored output of builds that were not streamed");
    c.ok = c.error.empty();
    return c;
}

} // namespace ymbench::out
