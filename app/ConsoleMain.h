#pragma once

namespace ym {

// `yardmaster [--config FILE]`: the desktop console. The engine runs on its
// own thread inside the same process (with its control socket, so `ctl`
// works too); the window shows it live.
int runConsole(int argc, char** argv);

} // namespace ym
