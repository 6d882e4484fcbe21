#include "protocol/MsgCodec.h"

#include <QMetaType>
#include <QStringList>
#include <QVariantHash>
#include <QVariantList>

#include <msgpack.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

// Encoding: every QVariant type the protocol uses maps as the header says.
// A QVariant of any other type (QDateTime, QUrl, QChar, ...) is encoded as the
// msgpack str of its QVariant::toString(): the worker only understands the
// msgpack types, and a string is the least surprising stand-in.
//
// Decoding uses msgpack-cxx's parser with our own visitor, which builds the
// QVariant tree directly. That lets us check UTF-8, keys, ext and depth as we
// go, and never pre-allocate much from a size a hostile peer announced (an
// array header claiming 4 billion elements reserves kReserveItems, 32 KB, and
// costs nothing more until elements arrive).

namespace ym::codec {
namespace {

constexpr std::size_t kMaxDepth = 64;
constexpr uint32_t kReserveItems = 1024; // most a start_array reserves in advance

// --- encoding ------------------------------------------------------------------

class ByteArrayStream
{
public:
    explicit ByteArrayStream(QByteArray& out) : m_out(out) {}
    void write(const char* data, std::size_t size)
    {
        m_out.append(data, static_cast<qsizetype>(size));
    }

private:
    QByteArray& m_out;
};

using Packer = msgpack::packer<ByteArrayStream>;

void packString(Packer& pk, const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    pk.pack_str(static_cast<uint32_t>(utf8.size()));
    pk.pack_str_body(utf8.constData(), static_cast<uint32_t>(utf8.size()));
}

void packValue(Packer& pk, const QVariant& value);

template <typename Map> void packMap(Packer& pk, const Map& map)
{
    pk.pack_map(static_cast<uint32_t>(map.size()));
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        packString(pk, it.key());
        packValue(pk, it.value());
    }
}

void packValue(Packer& pk, const QVariant& value)
{
    if (!value.isValid()) {
        pk.pack_nil();
        return;
    }
    switch (value.typeId()) {
    case QMetaType::Nullptr:
        pk.pack_nil();
        return;
    case QMetaType::Bool:
        value.toBool() ? pk.pack_true() : pk.pack_false();
        return;
    case QMetaType::Int:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
    case QMetaType::SChar:
    case QMetaType::Char:
        pk.pack_int64(value.toLongLong());
        return;
    case QMetaType::UInt:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UShort:
    case QMetaType::UChar:
        pk.pack_uint64(value.toULongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float:
        pk.pack_double(value.toDouble());
        return;
    case QMetaType::QString:
        packString(pk, value.toString());
        return;
    case QMetaType::QByteArray: {
        const QByteArray bytes = value.toByteArray();
        pk.pack_bin(static_cast<uint32_t>(bytes.size()));
        pk.pack_bin_body(bytes.constData(), static_cast<uint32_t>(bytes.size()));
        return;
    }
    case QMetaType::QVariantList: {
        const QVariantList list = value.toList();
        pk.pack_array(static_cast<uint32_t>(list.size()));
        for (const QVariant& item : list)
            packValue(pk, item);
        return;
    }
    case QMetaType::QStringList: {
        const QStringList list = value.toStringList();
        pk.pack_array(static_cast<uint32_t>(list.size()));
        for (const QString& item : list)
            packString(pk, item);
        return;
    }
    case QMetaType::QByteArrayList: {
        const auto list = value.value<QByteArrayList>();
        pk.pack_array(static_cast<uint32_t>(list.size()));
        for (const QByteArray& item : list) {
            pk.pack_bin(static_cast<uint32_t>(item.size()));
            pk.pack_bin_body(item.constData(), static_cast<uint32_t>(item.size()));
        }
        return;
    }
    case QMetaType::QVariantMap:
        packMap(pk, value.toMap());
        return;
    case QMetaType::QVariantHash:
        packMap(pk, value.toHash());
        return;
    default:
        packString(pk, value.toString());
        return;
    }
}

// --- decoding ------------------------------------------------------------------

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
// Returns the offset of the first bad byte, or -1 when the text is valid.
qsizetype firstInvalidUtf8(const unsigned char* s, std::size_t n)
{
    std::size_t i = 0;
    while (i < n) {
        // Build output is mostly ASCII: skip it eight bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; // overlong
            else if (c == 0xED)
                hi = 0x9F; // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; // overlong
            else if (c == 0xF4)
                hi = 0x8F; // above U+10FFFF
        } else {
            return static_cast<qsizetype>(i);
        }
        if (i + len > n)
            return static_cast<qsizetype>(i);
        if (s[i + 1] < lo || s[i + 1] > hi)
            return static_cast<qsizetype>(i);
        for (std::size_t k = 2; k < len; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return static_cast<qsizetype>(i);
        }
        i += len;
    }
    return -1;
}

// A map key as it may appear in an error: at most 40 characters, no control characters.
QString printable(const QString& key)
{
    QString out = key.left(40);
    for (QChar& c : out) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = u'?';
    }
    return key.size() > 40 ? out + QStringLiteral("...") : out;
}

// Builds the QVariant tree while msgpack-cxx parses. Any visitor method that
// returns false stops the parse; m_error then says why.
class QVariantVisitor
{
public:
    QString error;
    bool truncated = false;
    bool badByte = false;
    std::size_t badOffset = 0;
    QVariant root;

    bool visit_nil() { return add(QVariant()); }
    bool visit_boolean(bool v) { return add(QVariant(v)); }
    bool visit_positive_integer(uint64_t v)
    {
        if (v <= static_cast<uint64_t>(std::numeric_limits<qint64>::max()))
            return add(QVariant(static_cast<qint64>(v)));
        return add(QVariant(static_cast<quint64>(v)));
    }
    bool visit_negative_integer(int64_t v) { return add(QVariant(static_cast<qint64>(v))); }
    bool visit_float32(float v) { return add(QVariant(static_cast<double>(v))); }
    bool visit_float64(double v) { return add(QVariant(v)); }
    bool visit_str(const char* v, uint32_t size)
    {
        const qsizetype bad = firstInvalidUtf8(reinterpret_cast<const unsigned char*>(v), size);
        if (bad >= 0) {
            error = QStringLiteral("invalid UTF-8 in string at %1 (byte %2 of the string)")
                        .arg(path(), QString::number(bad));
            return false;
        }
        return add(QVariant(QString::fromUtf8(v, static_cast<qsizetype>(size))));
    }
    bool visit_bin(const char* v, uint32_t size)
    {
        return add(QVariant(QByteArray(v, static_cast<qsizetype>(size))));
    }
    bool visit_ext(const char*, uint32_t)
    {
        error = QStringLiteral("msgpack ext type is not supported (at %1)").arg(path());
        return false;
    }
    bool start_array(uint32_t n)
    {
        if (!enter())
            return false;
        m_stack.back().isMap = false;
        // The announced size is the sender's word: reserve a bounded amount.
        m_stack.back().list.reserve(qsizetype(std::min<uint32_t>(n, kReserveItems)));
        return true;
    }
    bool start_array_item() { return true; }
    bool end_array_item()
    {
        ++m_stack.back().index;
        return true;
    }
    bool end_array() { return leave(QVariant(std::move(m_stack.back().list))); }
    bool start_map(uint32_t)
    {
        if (!enter())
            return false;
        m_stack.back().isMap = true;
        return true;
    }
    bool start_map_key()
    {
        m_stack.back().inKey = true;
        return true;
    }
    bool end_map_key()
    {
        m_stack.back().inKey = false;
        return true;
    }
    bool start_map_value() { return true; }
    bool end_map_value()
    {
        ++m_stack.back().index;
        return true;
    }
    bool end_map() { return leave(QVariant(std::move(m_stack.back().map))); }
    void parse_error(size_t, size_t errorOffset)
    {
        badByte = true;
        badOffset = errorOffset > 0 ? errorOffset - 1 : 0;
    }
    void insufficient_bytes(size_t, size_t) { truncated = true; }
    bool referenced() const { return false; }
    void set_referenced(bool) {}

private:
    struct Frame
    {
        bool isMap = false;
        bool inKey = false;
        qsizetype index = 0;
        QString key;
        QVariantList list;
        QVariantMap map;
    };
    std::vector<Frame> m_stack;

    bool enter()
    {
        if (m_stack.size() >= kMaxDepth) {
            error = QStringLiteral("msgpack nesting deeper than %1 levels at %2")
                        .arg(QString::number(kMaxDepth), path());
            return false;
        }
        if (!m_stack.empty() && m_stack.back().inKey) {
            error = QStringLiteral("map key is not a string (at %1)").arg(path());
            return false;
        }
        m_stack.emplace_back();
        return true;
    }

    bool leave(QVariant value)
    {
        m_stack.pop_back();
        return add(std::move(value));
    }

    bool add(QVariant value)
    {
        if (m_stack.empty()) {
            root = std::move(value);
            return true;
        }
        Frame& top = m_stack.back();
        if (!top.isMap) {
            top.list.append(std::move(value));
        } else if (top.inKey) {
            if (value.typeId() != QMetaType::QString) {
                error = QStringLiteral("map key is not a string (at %1)").arg(path());
                return false;
            }
            top.key = value.toString();
        } else {
            top.map.insert(top.key, std::move(value));
        }
        return true;
    }

    // "$", "$.args[0][1]", ... : where the parser is now.
    QString path() const
    {
        QString p = QStringLiteral("$");
        for (const Frame& f : m_stack) {
            if (!f.isMap)
                p += u'[' + QString::number(f.index) + u']';
            else if (f.inKey)
                p += QStringLiteral(".<key %1>").arg(QString::number(f.index));
            else
                p += u'.' + printable(f.key);
        }
        // Keys come from the peer: keep error text short and on one line.
        if (p.size() > 100)
            p = p.left(40) + QStringLiteral("...") + p.right(57);
        return p;
    }
};

QString typeName(const QVariant& v)
{
    switch (v.typeId()) {
    case QMetaType::QVariantList:
        return QStringLiteral("array");
    case QMetaType::QString:
        return QStringLiteral("str");
    case QMetaType::QByteArray:
        return QStringLiteral("bin");
    case QMetaType::Bool:
        return QStringLiteral("bool");
    case QMetaType::Double:
        return QStringLiteral("float");
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return QStringLiteral("int");
    default:
        return v.isValid() ? QStringLiteral("other") : QStringLiteral("nil");
    }
}

} // namespace

QByteArray encode(const QVariant& value)
{
    QByteArray out;
    ByteArrayStream stream(out);
    Packer pk(stream);
    packValue(pk, value);
    return out;
}

QByteArray encodeMessage(const QVariantMap& message)
{
    QByteArray out;
    ByteArrayStream stream(out);
    Packer pk(stream);
    packMap(pk, message);
    return out;
}

Result<QVariant> decode(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return Error{QStringLiteral("empty msgpack input")};
    QVariantVisitor visitor;
    std::size_t offset = 0;
    bool parsed = false;
    try {
        parsed =
            msgpack::parse(bytes.data(), static_cast<std::size_t>(bytes.size()), offset, visitor);
    } catch (const std::bad_alloc&) {
        return Error{QStringLiteral("msgpack message too large to decode (%1 bytes)")
                         .arg(QString::number(bytes.size()))};
    } catch (const std::exception& e) {
        return Error{QStringLiteral("invalid msgpack: %1").arg(QString::fromUtf8(e.what()))};
    } catch (...) {
        return Error{QStringLiteral("invalid msgpack")};
    }
    if (!visitor.error.isEmpty())
        return Error{visitor.error};
    if (visitor.badByte) {
        return Error{QStringLiteral("invalid msgpack byte 0xc1 at offset %1")
                         .arg(QString::number(visitor.badOffset))};
    }
    if (!parsed || visitor.truncated) {
        return Error{
            QStringLiteral("truncated msgpack (%1 bytes)").arg(QString::number(bytes.size()))};
    }
    if (offset < static_cast<std::size_t>(bytes.size())) {
        return Error{QStringLiteral("%1 trailing bytes after the message")
                         .arg(QString::number(static_cast<std::size_t>(bytes.size()) - offset))};
    }
    return std::move(visitor.root);
}

Result<QVariantMap> decodeMessage(QByteArrayView bytes)
{
    Result<QVariant> value = decode(bytes);
    if (!value.ok())
        return value.error();
    if (value->typeId() != QMetaType::QVariantMap) {
        return Error{QStringLiteral("message is not a map (got %1)").arg(typeName(value.value()))};
    }
    return value->toMap();
}

} // namespace ym::codec
