#include "FuzzTargets.h"

#include "protocol/HttpUpgrade.h"
#include "protocol/MsgCodec.h"
#include "protocol/WebSocketFrame.h"

#include <QByteArray>

#include <cstdlib>

namespace {

[[noreturn]] void violated(const char* what)
{
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
}

void httpTarget(QByteArrayView in)
{
    const auto r = ym::http::parseRequest(in, 4096);
    if (r.status == ym::http::ParseOutcome::Status::Complete) {
        if (r.consumed > std::size_t(in.size()))
            violated("parseRequest consumed more than it was given");
        (void)ym::http::upgradeProblem(r.request);
        const QByteArray auth = r.request.header("Authorization");
        if (!auth.isNull())
            (void)ym::http::parseBasicAuthorization(auth);
        const QByteArray key = r.request.header("Sec-WebSocket-Key");
        if (!key.isNull())
            (void)ym::http::switchingProtocolsResponse(key);
    }
}

void basicAuthTarget(QByteArrayView in)
{
    auto r = ym::http::parseBasicAuthorization(in);
    if (r.ok() && r.value().name.contains(':'))
        violated("a Basic name may not contain a colon");
}

// Frames, fed in chunks whose sizes come from the input itself.
void frameTarget(QByteArrayView in)
{
    if (in.isEmpty())
        return;
    const std::size_t chunk = std::size_t(std::uint8_t(in[0])) % 17 + 1;
    in = in.sliced(1);
    ym::ws::FrameParser parser(64 * 1024);
    std::string pending;
    for (qsizetype pos = 0; pos < in.size(); pos += qsizetype(chunk)) {
        pending.append(in.data() + pos, std::min<std::size_t>(chunk, std::size_t(in.size() - pos)));
        std::size_t used = 0;
        for (;;) {
            ym::ws::Message m;
            std::size_t consumed = 0;
            const auto st =
                parser.next(pending.data() + used, pending.size() - used, consumed, m);
            if (consumed > pending.size() - used)
                violated("FrameParser consumed more than it was given");
            used += consumed;
            if (st == ym::ws::FrameParser::Status::Error)
                return;
            if (st == ym::ws::FrameParser::Status::NeedMore)
                break;
            if (m.payload.size() > 64 * 1024)
                violated("FrameParser let a message past its limit");
        }
        pending.erase(0, used);
    }
}

// Whatever decodes must encode and decode to the same value.
void codecTarget(QByteArrayView in)
{
    auto first = ym::codec::decode(in);
    if (!first.ok())
        return;
    const QByteArray again = ym::codec::encode(first.value());
    auto second = ym::codec::decode(again);
    if (!second.ok())
        violated("re-encoded value does not decode");
    if (ym::codec::encode(second.value()) != again)
        violated("encode(decode(encode(x))) differs from encode(x)");
    (void)ym::codec::decodeMessage(in);
}

} // namespace

int ymFuzzProtocol(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView in(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    switch (data[0] % 4) {
    case 0:
        httpTarget(in);
        break;
    case 1:
        basicAuthTarget(in);
        break;
    case 2:
        frameTarget(in);
        break;
    default:
        codecTarget(in);
        break;
    }
    return 0;
}
