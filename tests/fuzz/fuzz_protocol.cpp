// libFuzzer entry (clang, -DYM_FUZZ=ON); see tests/fuzz/README.md.
#include "FuzzTargets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    return ymFuzzProtocol(data, size);
}
