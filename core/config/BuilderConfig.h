#pragma once

#include <QJsonObject>
#include <QLatin1StringView>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace ym {

// The results a step's exit code may be mapped to (Buildbot's names).
enum class StepResult
{
    Success,
    Warnings,
    Failure,
    Exception,
};

// "success", "warnings", "failure", "exception".
QLatin1StringView stepResultName(StepResult result);
std::optional<StepResult> stepResultFromName(QStringView name);

// A value in a shell step's "env".
struct EnvValue
{
    enum class Kind
    {
        Unset,    // null: the variable is removed from the environment
        Value,    // "text"
        PathList, // ["a", "b"]: joined with the worker's path separator (':' or ';')
    };
    Kind kind = Kind::Value;
    QStringList parts; // Value: exactly one item; Unset: none

    static EnvValue unset() { return {Kind::Unset, {}}; }
    static EnvValue value(const QString& text) { return {Kind::Value, {text}}; }
    static EnvValue pathList(const QStringList& list) { return {Kind::PathList, list}; }

    bool operator==(const EnvValue&) const = default;
};

struct ShellStep
{
    static constexpr int DefaultTimeout = 1200;

    enum class Signal
    {
        Kill,
        Term,
    };

    // A string is run by the shell; a list is run directly (argv).
    std::variant<QString, QStringList> command;
    QMap<QString, EnvValue> env;
    std::optional<int> timeout = DefaultTimeout; // seconds without output; nullopt: none
    std::optional<int> maxTime;                  // seconds in all; nullopt: none
    bool wantStdout = true;
    bool wantStderr = true;
    QMap<int, StepResult> decodeRc; // exit code -> result; others: 0 success, else failure
    Signal interruptSignal = Signal::Kill;
    std::optional<int> sigtermTime; // seconds between TERM and KILL; nullopt: no TERM first
    bool usePty = false;
    bool logEnviron = true;
    std::optional<QString> initialStdin;
    QMap<QString, QString> logfiles; // log name -> file on the worker (relative to workdir)

    bool commandIsList() const { return std::holds_alternative<QStringList>(command); }
    // The result of an exit code: decodeRc, else 0 success, anything else failure.
    StepResult resultFor(int rc) const;

    bool operator==(const ShellStep&) const = default;
};

struct UploadStep
{
    static constexpr int DefaultBlocksize = 262144;

    QString workerSrc;             // on the worker: relative to the step's workdir, or absolute
    QString masterDest;            // relative path under the master's artifact directory
    std::optional<qint64> maxsize; // bytes; nullopt: no limit
    int blocksize = DefaultBlocksize;
    std::optional<int> mode; // permission bits of the stored file; nullopt: default
    bool keepstamp = false;

    bool operator==(const UploadStep&) const = default;
};

struct DownloadStep
{
    static constexpr int DefaultBlocksize = 262144;

    QString masterSrc;  // on the master: absolute, or relative to the config file's folder
    QString workerDest; // on the worker: relative to the step's workdir, or absolute
    std::optional<qint64> maxsize;
    int blocksize = DefaultBlocksize;
    std::optional<int> mode;

    bool operator==(const DownloadStep&) const = default;
};

struct StepConfig
{
    // The order of the alternatives in `details`.
    enum class Type
    {
        Shell,
        Upload,
        Download,
    };

    QString name; // unique within the builder (defaults are made unique when loading)
    QString workdir = QStringLiteral("build"); // relative to the builder's directory
    bool haltOnFailure = true;
    std::variant<ShellStep, UploadStep, DownloadStep> details;

    Type type() const { return Type(details.index()); }
    const ShellStep* shell() const { return std::get_if<ShellStep>(&details); }
    const UploadStep* upload() const { return std::get_if<UploadStep>(&details); }
    const DownloadStep* download() const { return std::get_if<DownloadStep>(&details); }
    ShellStep* shell() { return std::get_if<ShellStep>(&details); }
    UploadStep* upload() { return std::get_if<UploadStep>(&details); }
    DownloadStep* download() { return std::get_if<DownloadStep>(&details); }

    bool operator==(const StepConfig&) const = default;
};

// "shell", "upload", "download".
QLatin1StringView stepTypeName(StepConfig::Type type);

struct BuilderConfig
{
    QString name;
    QStringList workernames; // workers that may run this builder's builds
    QString builddir;        // relative to the worker's basedir; loading sets it (default: name)
    QJsonObject properties;
    QList<StepConfig> steps;

    // builddir, or the name when builddir is empty (a config made in code).
    QString effectiveBuilddir() const { return builddir.isEmpty() ? name : builddir; }
    const StepConfig* findStep(const QString& stepName) const;

    bool operator==(const BuilderConfig&) const = default;
};

} // namespace ym
