#pragma once

namespace ym {

// `yardmaster [--headless] [--config FILE]`: the engine in a QCoreApplication,
// logging to stderr, driven by signals (TERM/INT: stop, HUP: reload) and by
// `yardmaster ctl` over the control socket.
int runHeadless(int argc, char** argv);

} // namespace ym
