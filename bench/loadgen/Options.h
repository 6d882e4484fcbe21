#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ymbench {

// Command line of ym-loadgen (all options long-form; see usage()).
struct Options
{
    std::string host = "127.0.0.1";
    int port = 0;
    int count = 0;
    std::string namePrefix = "w";
    int firstIndex = 0;
    std::string passwordEnv = "YM_LOADGEN_PASSWORD";
    double rate = 0; // new connections per second, 0 = all at once
    double timeout = 60;
    double hold = 0;
    long masterPid = 0;
    int procs = 1;
    bool retry = true;
    double connectTimeout = 30;  // twisted's TCP connect timeout
    double handshakeTimeout = 5; // autobahn client's openHandshakeTimeout
    bool json = false;
    bool verbose = false;
};

// The --help text (documents the "attached" rule).
std::string usage();

// Parses argv; on error returns nothing and sets `error` (empty error with no
// options = --help was asked for).
std::optional<Options> parseOptions(int argc, char** argv, std::string& error);

// prefix + index zero-padded to 5 digits: w00000.
std::string workerName(const std::string& prefix, int index);

} // namespace ymbench
