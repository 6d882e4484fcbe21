#include "config/BuilderConfig.h"

namespace ym {

namespace {

constexpr QLatin1StringView ResultNames[] = {
    QLatin1StringView("success"),
    QLatin1StringView("warnings"),
    QLatin1StringView("failure"),
    QLatin1StringView("exception"),
};

constexpr QLatin1StringView StepTypeNames[] = {
    QLatin1StringView("shell"),
    QLatin1StringView("upload"),
    QLatin1StringView("download"),
};

} // namespace

QLatin1StringView stepResultName(StepResult result)
{
    return ResultNames[int(result)];
}

std::optional<StepResult> stepResultFromName(QStringView name)
{
    for (int i = 0; i < int(std::size(ResultNames)); ++i) {
        if (name == ResultNames[i])
            return StepResult(i);
    }
    return std::nullopt;
}

QLatin1StringView stepTypeName(StepConfig::Type type)
{
    return StepTypeNames[int(type)];
}

StepResult ShellStep::resultFor(int rc) const
{
    const auto it = decodeRc.constFind(rc);
    if (it != decodeRc.constEnd())
        return *it;
    return rc == 0 ? StepResult::Success : StepResult::Failure;
}

const StepConfig* BuilderConfig::findStep(const QString& stepName) const
{
    for (const StepConfig& s : steps) {
        if (s.name == stepName)
            return &s;
    }
    return nullptr;
}

} // namespace ym
