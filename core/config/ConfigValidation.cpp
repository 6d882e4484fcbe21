#include "config/ConfigValidation.h"

#include "config/ConfigLoader.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ym::configdetail {

QString child(const QString& path, QLatin1StringView key)
{
    return path.isEmpty() ? QString(key) : path + u'.' + key;
}

QString indexed(const QString& path, qsizetype i)
{
    return path + u'[' + QString::number(i) + u']';
}

QString mapEntry(const QString& path, const QString& key)
{
    return path + QStringLiteral(".\"") + key + u'"';
}

int editDistance(QStringView a, QStringView b)
{
    std::vector<int> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<QString> closest(const QString& word, const QStringList& candidates)
{
    const QString* best = nullptr;
    int bestDistance = 0;
    for (const QString& candidate : candidates) {
        const int d = editDistance(word, candidate);
        if (!best || d < bestDistance) {
            best = &candidate;
            bestDistance = d;
        }
    }
    if (best && bestDistance <= std::max<qsizetype>(2, word.size() / 4))
        return *best;
    return std::nullopt;
}

bool hasControlCharacter(const QString& s)
{
    return std::any_of(s.begin(), s.end(), [](QChar c) { return c.unicode() < 0x20; });
}

std::optional<qint64> integral(const QJsonValue& v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9007199254740992.0)
        return std::nullopt;
    return qint64(d);
}

void Checker::error(const QString& path, const QString& message)
{
    errors << path + QStringLiteral(": ") + message;
}

void Checker::checkKeys(const QJsonObject& obj, const QString& path,
                        std::span<const QLatin1StringView> allowed)
{
    QStringList candidates;
    for (QLatin1StringView candidate : allowed)
        candidates << QString(candidate);
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const QString key = it.key();
        if (candidates.contains(key))
            continue;
        QString message = QStringLiteral("unknown key");
        if (const auto best = closest(key, candidates))
            message += QStringLiteral(" (did you mean '%1'?)").arg(*best);
        const QString place = path.isEmpty() ? key : path + u'.' + key;
        error(place, message);
    }
}

std::optional<qint64> Checker::integer(const QJsonValue& v, const QString& path, qint64 min,
                                       qint64 max, const QString& message)
{
    const auto n = integral(v);
    if (!n || *n < min || *n > max) {
        error(path, message);
        return std::nullopt;
    }
    return n;
}

std::optional<int> Checker::seconds(const QJsonValue& v, const QString& path, bool nullable)
{
    const QString message = QStringLiteral("must be a positive integer (seconds, at most %1)%2")
                                .arg(configlimits::MaxSeconds)
                                .arg(nullable ? QStringLiteral(" or null") : QString());
    const auto n = integer(v, path, 1, configlimits::MaxSeconds, message);
    return n ? std::optional<int>(int(*n)) : std::nullopt;
}

std::optional<QString> Checker::string(const QJsonValue& v, const QString& path,
                                       const QString& what)
{
    if (!v.isString()) {
        error(path, QStringLiteral("must be a string (%1)").arg(what));
        return std::nullopt;
    }
    return v.toString();
}

std::optional<bool> Checker::boolean(const QJsonValue& v, const QString& path)
{
    if (!v.isBool()) {
        error(path, QStringLiteral("must be true or false"));
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<QString> Checker::relativePath(const QJsonValue& v, const QString& path,
                                             const QString& why, bool allowDot)
{
    const auto s = string(v, path, QStringLiteral("a relative path"));
    if (!s)
        return std::nullopt;
    static const QRegularExpression drive(QStringLiteral("^[A-Za-z]:"));
    if (s->isEmpty()) {
        error(path, QStringLiteral("must not be empty"));
    } else if (hasControlCharacter(*s)) {
        error(path, QStringLiteral("must not contain control characters"));
    } else if (s->contains(u'\\')) {
        error(path, QStringLiteral("'%1' must use '/' between its parts, not '\\'").arg(*s));
    } else if (s->startsWith(u'/') || drive.match(*s).hasMatch()) {
        error(path, QStringLiteral("'%1' must be a relative path (%2)").arg(*s, why));
    } else if (allowDot && *s == u".") {
        return s;
    } else {
        const QStringList parts = s->split(u'/');
        if (parts.contains(QString()))
            error(path, QStringLiteral("'%1' has an empty part (a leading, trailing or doubled "
                                       "'/')")
                            .arg(*s));
        else if (parts.contains(QStringLiteral("..")))
            error(path, QStringLiteral("'%1' must not have a '..' part").arg(*s));
        else if (parts.contains(QStringLiteral(".")))
            error(path, QStringLiteral("'%1' must not have a '.' part").arg(*s));
        else
            return s;
    }
    return std::nullopt;
}

} // namespace ym::configdetail
