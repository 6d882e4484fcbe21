#pragma once

#include <optional>
#include <string>

namespace ymbench::out {

// Command line of ym-outputgen (see usage()).
struct Options
{
    int workers = 10;
    double megabytes = 100; // total stdout, 10^6 bytes
    int lineBytes = 100;    // every line, newline included
    int keepalive = 1;      // the workers' keepalive_interval, seconds
    double idle = 3;        // idle keepalive baseline before streaming, seconds
    double timeout = 900;   // whole run
    double rate = 0;        // MB/s over all workers, 0 = as fast as the master takes it
    std::string yardmaster; // the master binary
    std::string dir;        // parent of the run folder (default $TMPDIR or /tmp)
    bool keep = false;      // keep the run folder
    bool follow = true;     // run `ctl log --follow` on the first build
    bool json = false;
    bool verbose = false;
};

std::string usage();
// Parses argv; nothing with an empty `error` means --help.
std::optional<Options> parseOptions(int argc, char** argv, std::string& error);

} // namespace ymbench::out
