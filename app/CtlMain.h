#pragma once

namespace ym {

// `yardmaster ctl [--config FILE | --socket PATH] COMMAND [--json]`: one
// request to a running master over its control socket. argv[1] is "ctl".
// Exit codes: see ExitCode in CommandLine.h.
int runCtl(int argc, char** argv);

} // namespace ym
