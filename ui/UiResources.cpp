#include "UiResources.h"

#include <mutex>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initYardmasterQrc()
{
    Q_INIT_RESOURCE(yardmaster);
}

namespace ym {

void initUiResources()
{
    static std::once_flag once;
    std::call_once(once, [] { initYardmasterQrc(); });
}

QIcon uiIcon(const QString& name)
{
    initUiResources();
    return QIcon(QStringLiteral(":/yardmaster/icons/%1.svg").arg(name));
}

} // namespace ym
