#pragma once

#include <QJsonValue>
#include <QLatin1StringView>
#include <QString>
#include <QStringList>

#include <optional>
#include <span>

// Shared by the config loader's parts (not a public interface): places in
// the file, and a collector of errors that builds messages the same way
// everywhere.
namespace ym::configdetail {

// "path.key" (just "key" at the top).
QString child(const QString& path, QLatin1StringView key);
// "path[i]".
QString indexed(const QString& path, qsizetype i);
// "path.\"key\"": an entry of a free-form map (env, decode_rc, logfiles).
QString mapEntry(const QString& path, const QString& key);

int editDistance(QStringView a, QStringView b);
// The candidate closest to `word` when it is close enough to be a typo of it.
std::optional<QString> closest(const QString& word, const QStringList& candidates);
bool hasControlCharacter(const QString& s);
// A number with an integral value (5, 5.0 and 5e0 are the same number), or nothing.
std::optional<qint64> integral(const QJsonValue& v);

// Collects every problem with its place.
class Checker
{
public:
    QStringList errors;
    QStringList warnings;

    void error(const QString& path, const QString& message);
    // Each key not in `allowed` is an error, with a suggestion when one is close.
    void checkKeys(const QJsonObject& obj, const QString& path,
                   std::span<const QLatin1StringView> allowed);
    // An integer in [min, max]; `message` when it is not.
    std::optional<qint64> integer(const QJsonValue& v, const QString& path, qint64 min, qint64 max,
                                  const QString& message);
    // 1..MaxSeconds; the message mentions null when `nullable`.
    std::optional<int> seconds(const QJsonValue& v, const QString& path, bool nullable);
    std::optional<QString> string(const QJsonValue& v, const QString& path, const QString& what);
    std::optional<bool> boolean(const QJsonValue& v, const QString& path);
    // A path joined to a folder on the master or on a posix or nt worker: relative,
    // '/' between parts, no empty, '.' or '..' part ("." alone when `allowDot`).
    // `why` says what it is joined with, for the message about absolute paths.
    std::optional<QString> relativePath(const QJsonValue& v, const QString& path,
                                        const QString& why, bool allowDot);
};

} // namespace ym::configdetail
