// The `yardmaster` executable: picks the face, nothing else.
//   yardmaster [--headless] [--config FILE]   the engine (headless until the desktop console lands)
//   yardmaster ctl ...                        a client of a running master

#include "CtlMain.h"
#include "HeadlessMain.h"

#include <cstring>

int main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "ctl") == 0)
        return ym::runCtl(argc, argv);
    return ym::runHeadless(argc, argv);
}
