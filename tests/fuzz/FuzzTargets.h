#pragma once

#include <cstddef>
#include <cstdint>

// One entry for every hand-written parser that faces the network: the first
// byte picks the target, the rest is the input. Shared by the libFuzzer
// binary (clang, -DYM_FUZZ=ON) and the regression test run by ctest.
int ymFuzzProtocol(const std::uint8_t* data, std::size_t size);
