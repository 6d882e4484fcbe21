#pragma once

#include <QString>
#include <QStringList>

namespace ym {

// `yardmaster ctl secret set NAME | delete NAME | list | migrate`.
//
// These talk to the secret store directly, not through a running master: the
// config (--config, or the default one) says which store (master.secrets;
// --store overrides it; "auto" asks a running master which one it uses, and
// means the directory store when none answers). So secrets can be stored
// before the first start, and values never cross the control socket. A
// running master picks up changes on `ctl reload`.
//
// Values come from stdin only (never the command line): typed without echo
// when stdin is a terminal, else read whole from the pipe (one trailing
// newline dropped). Nothing here prints a value.
int runCtlSecret(const QStringList& args, const QString& configOption, const QString& storeOption,
                 bool json);

} // namespace ym
