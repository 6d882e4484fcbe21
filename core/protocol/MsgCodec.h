#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QVariantMap>

namespace ym::codec {

// msgpack <-> QVariant, as buildbot-worker's msgpack_experimental_v7 uses it:
//   nil <-> invalid QVariant (QVariant()), bool <-> bool,
//   positive/negative int <-> qint64 (uint64 above INT64_MAX <-> quint64),
//   float32/float64 -> double (encoded as float64),
//   str <-> QString (must be valid UTF-8), bin <-> QByteArray,
//   array <-> QVariantList, map (str keys only) <-> QVariantMap. ext is rejected.
// Decoding a message requires a map at the top; nesting deeper than 64 levels,
// trailing bytes, truncation and invalid UTF-8 are errors naming the problem.
QByteArray encode(const QVariant& value);
QByteArray encodeMessage(const QVariantMap& message);
Result<QVariant> decode(QByteArrayView bytes);
Result<QVariantMap> decodeMessage(QByteArrayView bytes);

} // namespace ym::codec
