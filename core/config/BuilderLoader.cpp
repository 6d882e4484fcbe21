#include "config/BuilderLoader.h"

#include "config/ConfigKeys.h"
#include "config/ConfigLoader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

#include <limits>

namespace ym::configdetail {

namespace {

namespace keys = configkeys;
using namespace configlimits;

// The default name of a step before it is made unique.
QString defaultStepName(const StepConfig& step)
{
    QString word;
    if (const ShellStep* shell = step.shell()) {
        if (const auto* list = std::get_if<QStringList>(&shell->command))
            word = list->isEmpty() ? QString() : list->first();
        else
            word = std::get<QString>(shell->command).simplified().section(u' ', 0, 0);
    }
    if (word.isEmpty() || hasControlCharacter(word))
        word = QString(stepTypeName(step.type()));
    return word.left(MaxStepNameLength);
}

class BuilderParser
{
public:
    BuilderParser(Checker& checker, const QStringList& workerNames)
        : m_c(checker), m_workerNames(workerNames)
    {}

    void parseList(const QJsonValue& value, const QString& path, QList<BuilderConfig>& out)
    {
        if (!value.isArray()) {
            m_c.error(path, QStringLiteral("must be a list of builders"));
            return;
        }
        const QJsonArray list = value.toArray();
        QHash<QString, qsizetype> nameIndex;
        QHash<QString, qsizetype> dirIndex;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString bPath = indexed(path, i);
            BuilderConfig b;
            if (!parseBuilder(list.at(i), bPath, b) || b.name.isEmpty())
                continue;
            const auto seen = nameIndex.constFind(b.name);
            if (seen != nameIndex.constEnd()) {
                m_c.error(child(bPath, keys::Name),
                          QStringLiteral("duplicate builder name '%1' (also %2)")
                              .arg(b.name, indexed(path, *seen)));
                continue;
            }
            nameIndex.insert(b.name, i);
            if (!b.builddir.isEmpty()) {
                const auto other = dirIndex.constFind(b.builddir);
                if (other != dirIndex.constEnd()) {
                    m_c.error(child(bPath, keys::Builddir),
                              QStringLiteral("'%1' is also the builddir of %2; every builder "
                                             "needs its own")
                                  .arg(b.builddir, indexed(path, *other)));
                } else {
                    dirIndex.insert(b.builddir, i);
                }
            }
            out << b;
        }
    }

private:
    Checker& m_c;
    QStringList m_workerNames;

    bool parseBuilder(const QJsonValue& value, const QString& path, BuilderConfig& b)
    {
        if (!value.isObject()) {
            m_c.error(path, QStringLiteral("must be an object"));
            return false;
        }
        const QJsonObject obj = value.toObject();
        m_c.checkKeys(obj, path, keys::BuilderKeys);

        static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9._-]+$"));
        const QString namePath = child(path, keys::Name);
        if (!obj.contains(keys::Name)) {
            m_c.error(namePath, QStringLiteral("missing (every builder needs a name)"));
        } else if (const auto s = m_c.string(obj.value(keys::Name), namePath,
                                             QStringLiteral("the builder's name"))) {
            if (s->isEmpty())
                m_c.error(namePath, QStringLiteral("must not be empty"));
            else if (s->size() > MaxBuilderNameLength)
                m_c.error(namePath,
                          QStringLiteral("is longer than %1 characters").arg(MaxBuilderNameLength));
            else if (!nameRe.match(*s).hasMatch())
                m_c.error(namePath, QStringLiteral("'%1' may contain only letters, digits, '.', "
                                                   "'_' and '-'")
                                        .arg(*s));
            else
                b.name = *s;
        }

        parseWorkernames(obj, path, b);

        if (obj.contains(keys::Builddir)) {
            relativePath(obj.value(keys::Builddir), child(path, keys::Builddir),
                         QStringLiteral("it is joined with the worker's basedir"), false,
                         b.builddir);
        } else {
            b.builddir = b.name;
        }

        if (obj.contains(keys::Properties)) {
            const QJsonValue v = obj.value(keys::Properties);
            if (!v.isObject())
                m_c.error(child(path, keys::Properties), QStringLiteral("must be an object"));
            else
                b.properties = v.toObject();
        }

        const QString stepsPath = child(path, keys::Steps);
        if (!obj.contains(keys::Steps))
            m_c.error(stepsPath, QStringLiteral("missing (a builder needs at least one step)"));
        else
            parseSteps(obj.value(keys::Steps), stepsPath, b.steps);
        return true;
    }

    void parseWorkernames(const QJsonObject& obj, const QString& path, BuilderConfig& b)
    {
        const QString wPath = child(path, keys::Workernames);
        if (!obj.contains(keys::Workernames)) {
            m_c.error(wPath, QStringLiteral("missing (the workers that may run this builder)"));
            return;
        }
        const QJsonValue value = obj.value(keys::Workernames);
        if (!value.isArray()) {
            m_c.error(wPath, QStringLiteral("must be a list of worker names"));
            return;
        }
        const QJsonArray list = value.toArray();
        if (list.isEmpty()) {
            m_c.error(wPath, QStringLiteral("must not be empty (name at least one worker)"));
            return;
        }
        QHash<QString, qsizetype> seen;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString place = indexed(wPath, i);
            const auto name = m_c.string(list.at(i), place, QStringLiteral("a worker's name"));
            if (!name)
                continue;
            if (const auto first = seen.constFind(*name); first != seen.constEnd()) {
                m_c.error(place, QStringLiteral("worker '%1' is named twice (also %2)")
                                     .arg(*name, indexed(wPath, *first)));
                continue;
            }
            seen.insert(*name, i);
            if (!m_workerNames.contains(*name)) {
                QString message = QStringLiteral("unknown worker '%1'").arg(*name);
                if (const auto best = closest(*name, m_workerNames))
                    message += QStringLiteral(" (did you mean '%1'?)").arg(*best);
                m_c.error(place, message);
                continue;
            }
            b.workernames << *name;
        }
    }

    void relativePath(const QJsonValue& v, const QString& path, const QString& why, bool allowDot,
                      QString& out)
    {
        if (const auto p = m_c.relativePath(v, path, why, allowDot))
            out = *p;
    }

    // A path on the worker or master: any non-empty string without control characters.
    void anyPath(const QJsonObject& obj, QLatin1StringView key, const QString& path,
                 const QString& what, QString& out)
    {
        const QString place = child(path, key);
        if (!obj.contains(key)) {
            m_c.error(place, QStringLiteral("missing (%1)").arg(what));
            return;
        }
        const auto s = m_c.string(obj.value(key), place, what);
        if (!s)
            return;
        if (s->isEmpty())
            m_c.error(place, QStringLiteral("must not be empty"));
        else if (hasControlCharacter(*s))
            m_c.error(place, QStringLiteral("must not contain control characters"));
        else
            out = *s;
    }

    void parseSteps(const QJsonValue& value, const QString& path, QList<StepConfig>& out)
    {
        if (!value.isArray()) {
            m_c.error(path, QStringLiteral("must be a list of steps"));
            return;
        }
        const QJsonArray list = value.toArray();
        if (list.isEmpty()) {
            m_c.error(path,
                      QStringLiteral("must not be empty (a builder needs at least one step)"));
            return;
        }
        // Given names first, so a generated name never takes one that was written.
        QHash<QString, qsizetype> used;
        QList<qsizetype> unnamed;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString sPath = indexed(path, i);
            StepConfig step;
            bool named = false;
            if (!parseStep(list.at(i), sPath, step, named))
                continue;
            if (named) {
                if (const auto first = used.constFind(step.name); first != used.constEnd()) {
                    m_c.error(child(sPath, keys::Name),
                              QStringLiteral("duplicate step name '%1' (also %2)")
                                  .arg(step.name, indexed(path, *first)));
                    continue;
                }
                used.insert(step.name, i);
            } else {
                unnamed << out.size();
            }
            out << step;
        }
        for (qsizetype at : std::as_const(unnamed)) {
            const QString base = defaultStepName(out[at]);
            QString name = base;
            for (int n = 2; used.contains(name); ++n) {
                const QString suffix = u'_' + QString::number(n);
                name = base.left(MaxStepNameLength - suffix.size()) + suffix;
            }
            used.insert(name, -1);
            out[at].name = name;
        }
    }

    bool parseStep(const QJsonValue& value, const QString& path, StepConfig& step, bool& named)
    {
        if (!value.isObject()) {
            m_c.error(path, QStringLiteral("must be an object"));
            return false;
        }
        const QJsonObject obj = value.toObject();
        const QString typePath = child(path, keys::Type);
        const QString types = QStringLiteral("shell, upload or download");
        if (!obj.contains(keys::Type)) {
            m_c.error(typePath, QStringLiteral("missing (the kind of step: %1)").arg(types));
            return false;
        }
        const auto type = m_c.string(obj.value(keys::Type), typePath, types);
        if (!type)
            return false;
        if (*type == stepTypeName(StepConfig::Type::Shell)) {
            m_c.checkKeys(obj, path, keys::ShellStepKeys);
            step.details = ShellStep{};
        } else if (*type == stepTypeName(StepConfig::Type::Upload)) {
            m_c.checkKeys(obj, path, keys::UploadStepKeys);
            step.details = UploadStep{};
        } else if (*type == stepTypeName(StepConfig::Type::Download)) {
            m_c.checkKeys(obj, path, keys::DownloadStepKeys);
            step.details = DownloadStep{};
        } else {
            m_c.error(typePath,
                      QStringLiteral("'%1' is not a step type (one of %2)").arg(*type, types));
            return false;
        }

        const QString namePath = child(path, keys::Name);
        if (obj.contains(keys::Name)) {
            if (const auto s = m_c.string(obj.value(keys::Name), namePath,
                                          QStringLiteral("the step's name"))) {
                if (s->trimmed().isEmpty())
                    m_c.error(namePath, QStringLiteral("must not be empty"));
                else if (s->size() > MaxStepNameLength)
                    m_c.error(
                        namePath,
                        QStringLiteral("is longer than %1 characters").arg(MaxStepNameLength));
                else if (hasControlCharacter(*s))
                    m_c.error(namePath, QStringLiteral("must not contain control characters"));
                else
                    step.name = *s;
            }
            named = !step.name.isEmpty();
        }
        if (obj.contains(keys::Workdir))
            relativePath(obj.value(keys::Workdir), child(path, keys::Workdir),
                         QStringLiteral("it is joined with the builder's directory"), true,
                         step.workdir);
        boolean(obj, path, keys::HaltOnFailure, step.haltOnFailure);

        if (ShellStep* shell = step.shell())
            parseShell(obj, path, *shell);
        else if (UploadStep* up = step.upload())
            parseUpload(obj, path, *up);
        else if (DownloadStep* down = step.download())
            parseDownload(obj, path, *down);
        return true;
    }

    void boolean(const QJsonObject& obj, const QString& path, QLatin1StringView key, bool& out)
    {
        if (!obj.contains(key))
            return;
        if (const auto b = m_c.boolean(obj.value(key), child(path, key)))
            out = *b;
    }

    // Seconds or null.
    void optionalSeconds(const QJsonObject& obj, const QString& path, QLatin1StringView key,
                         std::optional<int>& out)
    {
        if (!obj.contains(key))
            return;
        const QJsonValue v = obj.value(key);
        if (v.isNull())
            out = std::nullopt;
        else if (const auto s = m_c.seconds(v, child(path, key), true))
            out = *s;
    }

    void parseShell(const QJsonObject& obj, const QString& path, ShellStep& shell)
    {
        parseCommand(obj, path, shell);
        if (obj.contains(keys::Env))
            parseEnv(obj.value(keys::Env), child(path, keys::Env), shell.env);
        optionalSeconds(obj, path, keys::Timeout, shell.timeout);
        optionalSeconds(obj, path, keys::MaxTime, shell.maxTime);
        boolean(obj, path, keys::WantStdout, shell.wantStdout);
        boolean(obj, path, keys::WantStderr, shell.wantStderr);
        if (obj.contains(keys::DecodeRc))
            parseDecodeRc(obj.value(keys::DecodeRc), child(path, keys::DecodeRc), shell.decodeRc);
        if (obj.contains(keys::InterruptSignal)) {
            const QJsonValue v = obj.value(keys::InterruptSignal);
            if (v == QJsonValue(QStringLiteral("KILL")))
                shell.interruptSignal = ShellStep::Signal::Kill;
            else if (v == QJsonValue(QStringLiteral("TERM")))
                shell.interruptSignal = ShellStep::Signal::Term;
            else
                m_c.error(child(path, keys::InterruptSignal),
                          QStringLiteral("must be \"KILL\" or \"TERM\""));
        }
        optionalSeconds(obj, path, keys::SigtermTime, shell.sigtermTime);
        boolean(obj, path, keys::UsePty, shell.usePty);
        boolean(obj, path, keys::LogEnviron, shell.logEnviron);
        if (obj.contains(keys::InitialStdin)) {
            const QJsonValue v = obj.value(keys::InitialStdin);
            if (v.isNull())
                shell.initialStdin = std::nullopt;
            else if (v.isString())
                shell.initialStdin = v.toString();
            else
                m_c.error(child(path, keys::InitialStdin),
                          QStringLiteral("must be a string or null"));
        }
        if (obj.contains(keys::Logfiles))
            parseLogfiles(obj.value(keys::Logfiles), child(path, keys::Logfiles), shell.logfiles);
    }

    void parseCommand(const QJsonObject& obj, const QString& path, ShellStep& shell)
    {
        const QString place = child(path, keys::Command);
        if (!obj.contains(keys::Command)) {
            m_c.error(place, QStringLiteral("missing (the command to run: a string or a list "
                                            "of strings)"));
            return;
        }
        const QJsonValue v = obj.value(keys::Command);
        if (v.isString()) {
            if (v.toString().trimmed().isEmpty())
                m_c.error(place, QStringLiteral("must not be empty"));
            else
                shell.command = v.toString();
        } else if (v.isArray()) {
            const QJsonArray list = v.toArray();
            if (list.isEmpty()) {
                m_c.error(place, QStringLiteral("must not be empty (the first item is the "
                                                "program to run)"));
                return;
            }
            QStringList argv;
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QString itemPath = indexed(place, i);
                if (!list.at(i).isString())
                    m_c.error(itemPath, QStringLiteral("must be a string"));
                else if (i == 0 && list.at(i).toString().isEmpty())
                    m_c.error(itemPath, QStringLiteral("must not be empty (the program to run)"));
                else
                    argv << list.at(i).toString();
            }
            shell.command = argv;
        } else {
            m_c.error(place, QStringLiteral("must be a string (run by the shell) or a list of "
                                            "strings (run directly)"));
        }
    }

    void parseEnv(const QJsonValue& value, const QString& path, QMap<QString, EnvValue>& out)
    {
        if (!value.isObject()) {
            m_c.error(path, QStringLiteral("must be an object (variable names to values)"));
            return;
        }
        const QJsonObject obj = value.toObject();
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const QString place = mapEntry(path, it.key());
            if (it.key().isEmpty() || it.key().contains(u'=') || it.key().contains(QChar(0))) {
                m_c.error(place, QStringLiteral("is not an environment variable name (it must "
                                                "not be empty or contain '=')"));
                continue;
            }
            const QJsonValue v = it.value();
            if (v.isNull()) {
                out.insert(it.key(), EnvValue::unset());
            } else if (v.isString()) {
                out.insert(it.key(), EnvValue::value(v.toString()));
            } else if (v.isArray()) {
                const QJsonArray list = v.toArray();
                QStringList parts;
                for (qsizetype i = 0; i < list.size(); ++i) {
                    if (!list.at(i).isString())
                        m_c.error(indexed(place, i), QStringLiteral("must be a string"));
                    else
                        parts << list.at(i).toString();
                }
                out.insert(it.key(), EnvValue::pathList(parts));
            } else {
                m_c.error(place, QStringLiteral("must be a string, null (removes the variable) "
                                                "or a list of strings (joined with the worker's "
                                                "path separator)"));
            }
        }
    }

    void parseDecodeRc(const QJsonValue& value, const QString& path, QMap<int, StepResult>& out)
    {
        if (!value.isObject()) {
            m_c.error(path, QStringLiteral("must be an object (exit codes to results)"));
            return;
        }
        static const QRegularExpression codeRe(QStringLiteral("^-?[0-9]{1,10}$"));
        const QJsonObject obj = value.toObject();
        QHash<int, QString> seen;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const QString place = mapEntry(path, it.key());
            bool ok = false;
            const qint64 code = codeRe.match(it.key()).hasMatch() ? it.key().toLongLong(&ok) : 0;
            if (!ok || code < std::numeric_limits<int>::min() ||
                code > std::numeric_limits<int>::max()) {
                m_c.error(place, QStringLiteral("key must be an integer exit code"));
                continue;
            }
            const auto result =
                it.value().isString() ? stepResultFromName(it.value().toString()) : std::nullopt;
            if (!result) {
                m_c.error(place,
                          QStringLiteral("must be one of success, warnings, failure, exception"));
                continue;
            }
            if (const auto first = seen.constFind(int(code)); first != seen.constEnd()) {
                m_c.error(
                    place,
                    QStringLiteral("exit code %1 is also given as \"%2\"").arg(code).arg(*first));
                continue;
            }
            seen.insert(int(code), it.key());
            out.insert(int(code), *result);
        }
    }

    void parseLogfiles(const QJsonValue& value, const QString& path, QMap<QString, QString>& out)
    {
        if (!value.isObject()) {
            m_c.error(path, QStringLiteral("must be an object (log names to files on the worker)"));
            return;
        }
        const QJsonObject obj = value.toObject();
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const QString place = mapEntry(path, it.key());
            if (it.key().trimmed().isEmpty() || hasControlCharacter(it.key())) {
                m_c.error(place, QStringLiteral("a log name must not be empty or contain control "
                                                "characters"));
            } else if (it.key() == u"stdio") {
                m_c.error(place, QStringLiteral("the log name 'stdio' is taken by the step's own "
                                                "output"));
            } else if (!it.value().isString() || it.value().toString().isEmpty() ||
                       hasControlCharacter(it.value().toString())) {
                m_c.error(place,
                          QStringLiteral("must be a file on the worker (a non-empty string)"));
            } else {
                out.insert(it.key(), it.value().toString());
            }
        }
    }

    void transferSettings(const QJsonObject& obj, const QString& path,
                          std::optional<qint64>& maxsize, int& blocksize, std::optional<int>& mode)
    {
        if (obj.contains(keys::Maxsize)) {
            const QJsonValue v = obj.value(keys::Maxsize);
            if (v.isNull()) {
                maxsize = std::nullopt;
            } else if (const auto n = m_c.integer(
                           v, child(path, keys::Maxsize), 1, MaxFileBytes,
                           QStringLiteral("must be a positive integer (bytes) or null"))) {
                maxsize = *n;
            }
        }
        if (obj.contains(keys::Blocksize)) {
            const auto n = m_c.integer(
                obj.value(keys::Blocksize), child(path, keys::Blocksize), 1, MaxBlocksize,
                QStringLiteral("must be a positive integer (bytes, at most %1)").arg(MaxBlocksize));
            if (n)
                blocksize = int(*n);
        }
        if (obj.contains(keys::Mode)) {
            static const QRegularExpression octal(QStringLiteral("^[0-7]{3,4}$"));
            const QJsonValue v = obj.value(keys::Mode);
            if (v.isNull())
                mode = std::nullopt;
            else if (v.isString() && octal.match(v.toString()).hasMatch())
                mode = v.toString().toInt(nullptr, 8);
            else
                m_c.error(child(path, keys::Mode),
                          QStringLiteral("must be null or an octal mode string such as \"0644\""));
        }
    }

    void parseUpload(const QJsonObject& obj, const QString& path, UploadStep& up)
    {
        anyPath(obj, keys::WorkerSrc, path,
                QStringLiteral("the file on the worker, relative to workdir or absolute"),
                up.workerSrc);
        const QString destPath = child(path, keys::MasterDest);
        if (!obj.contains(keys::MasterDest))
            m_c.error(destPath, QStringLiteral("missing (where the file goes, relative to the "
                                               "master's artifact directory)"));
        else
            relativePath(obj.value(keys::MasterDest), destPath,
                         QStringLiteral("it is a path under the master's artifact directory"),
                         false, up.masterDest);
        transferSettings(obj, path, up.maxsize, up.blocksize, up.mode);
        boolean(obj, path, keys::Keepstamp, up.keepstamp);
    }

    void parseDownload(const QJsonObject& obj, const QString& path, DownloadStep& down)
    {
        anyPath(obj, keys::MasterSrc, path,
                QStringLiteral("the file on the master, absolute or relative to the config "
                               "file's folder"),
                down.masterSrc);
        anyPath(obj, keys::WorkerDest, path,
                QStringLiteral("where the file goes on the worker, relative to workdir or "
                               "absolute"),
                down.workerDest);
        transferSettings(obj, path, down.maxsize, down.blocksize, down.mode);
    }
};

} // namespace

void parseBuilders(Checker& checker, const QJsonValue& value, const QString& path,
                   const QStringList& workerNames, QList<BuilderConfig>& out)
{
    BuilderParser(checker, workerNames).parseList(value, path, out);
}

} // namespace ym::configdetail
