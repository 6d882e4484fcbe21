// The `yardmaster` executable: picks the face, nothing else.
//   yardmaster [--config FILE]                the desktop console (engine inside)
//   yardmaster --headless [--config FILE]     the engine without a window
//   yardmaster ctl ...                        a client of a running master

#include "ConsoleMain.h"
#include "CtlMain.h"
#include "HeadlessMain.h"

#include <cstring>
#include <initializer_list>

int main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "ctl") == 0)
        return ym::runCtl(argc, argv);
    // --headless, and --help / --version (answered without a display), go to
    // the headless face.
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"--headless", "-h", "--help", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], option) == 0)
                return ym::runHeadless(argc, argv);
        }
    }
    return ym::runConsole(argc, argv);
}
