#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// The build output ym-outputgen streams, and the `update` messages carrying it.
//
// Every line has the same length (--line-bytes) and says who sent it, its
// number and when its batch was sent:
//   "w00003 l0000000042 t0000012345678901234 <filler>\n"
// worker name, line number (per worker, from 0), CLOCK_MONOTONIC nanoseconds
// when its `update` was sent, then printable filler that depends on the line
// number. A reader can therefore check every stored line exactly and measure
// how late it sees it.
namespace ymbench::out {

constexpr int PrefixBytes = 40; // "w00003 l0000000042 t0000012345678901234 "
constexpr int MinLineBytes = PrefixBytes + 2;
constexpr int MaxLineBytes = 4096;

// Appends `count` lines of `lineBytes` each, numbered from `firstLine`.
void appendLines(std::string& text, int worker, uint64_t firstLine, int count, int lineBytes,
                 int64_t stampNs);

// What a line says about itself; false when `line` (without its newline) is
// not exactly what appendLines() wrote for some worker, number and stamp.
struct LineId
{
    int worker = -1;
    uint64_t line = 0;
    int64_t stampNs = 0;
};
bool parseLine(std::string_view line, int lineBytes, LineId& out);

// How many lines of `lineBytes` fit into one batch of the worker's
// BufferManager: it counts len(text) + 8 * (newlines + timestamps) per
// output value and sends when the next line would pass `bufferSize`.
int linesPerBatch(int bufferSize, int lineBytes);

// Appends one masked binary WebSocket frame holding the msgpack message
//   {op: "update", seq_number, command_id,
//    args: [["stdout", [text, [newline offsets], [epoch seconds per line]]]]}
// `text` is whole lines of `lineBytes`; line i is timed epochS + i * lineStepS.
void appendUpdateFrame(std::string& out, std::string_view commandId, uint32_t seq,
                       std::string_view text, int lineBytes, double epochS, double lineStepS,
                       uint32_t maskKey);

// XORs `data` with the 4-byte WebSocket mask (byte order as on the wire).
void maskBytes(char* data, size_t n, uint32_t maskKey);

} // namespace ymbench::out
