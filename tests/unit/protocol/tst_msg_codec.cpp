// The msgpack codec against the encoding buildbot-worker 3.7 (Python msgpack 1.0)
// produces. The hex fixtures below were made once by hand with
//   /usr/bin/python3 -c 'import msgpack; print(msgpack.packb(MSG).hex())'
// using the message shapes of buildbot_worker/msgpack.py; this test needs no python.

#include "protocol/MsgCodec.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>

#include <limits>

using namespace ym;
using namespace Qt::StringLiterals;

namespace {

// QVERIFY2 evaluates its message even when the check passes.
template <typename T> QString errorText(const Result<T>& r)
{
    return r.ok() ? QString() : r.error().message;
}

QVariant I(qint64 v)
{
    return QVariant(v);
}
QVariant U(quint64 v)
{
    return QVariant(v);
}
QVariant D(double v)
{
    return QVariant(v);
}
QVariant S(const char* utf8)
{
    return QVariant(QString::fromUtf8(utf8));
}
QVariant B(const QByteArray& v)
{
    return QVariant(v);
}
QVariant N()
{
    return QVariant();
}
QVariant T(bool v)
{
    return QVariant(v);
}
QVariant L(QVariantList v)
{
    return QVariant(std::move(v));
}
QVariant M(std::initializer_list<std::pair<const char*, QVariant>> items)
{
    QVariantMap map;
    for (const auto& [k, v] : items)
        map.insert(QString::fromUtf8(k), v);
    return map;
}

// Strict comparison: same types all the way down (QVariant's operator== would
// call qint64(1) equal to double(1.0) or to the string "1").
QString difference(const QVariant& got, const QVariant& want, const QString& where = u"$"_s)
{
    if (got.typeId() != want.typeId() || got.isValid() != want.isValid()) {
        return QStringLiteral("%1: type %2, expected %3")
            .arg(where, QString::fromUtf8(got.typeName() ? got.typeName() : "invalid"),
                 QString::fromUtf8(want.typeName() ? want.typeName() : "invalid"));
    }
    if (want.typeId() == QMetaType::QVariantList) {
        const QVariantList g = got.toList();
        const QVariantList w = want.toList();
        if (g.size() != w.size())
            return QStringLiteral("%1: %2 items, expected %3")
                .arg(where)
                .arg(g.size())
                .arg(w.size());
        for (qsizetype i = 0; i < g.size(); ++i) {
            QString d = difference(g[i], w[i], where + u'[' + QString::number(i) + u']');
            if (!d.isEmpty())
                return d;
        }
        return {};
    }
    if (want.typeId() == QMetaType::QVariantMap) {
        const QVariantMap g = got.toMap();
        const QVariantMap w = want.toMap();
        if (g.keys() != w.keys())
            return QStringLiteral("%1: keys %2, expected %3")
                .arg(where, g.keys().join(u','), w.keys().join(u','));
        for (auto it = w.cbegin(); it != w.cend(); ++it) {
            QString d = difference(g.value(it.key()), it.value(), where + u'.' + it.key());
            if (!d.isEmpty())
                return d;
        }
        return {};
    }
    if (want.typeId() == QMetaType::Double) {
        if (got.toDouble() != want.toDouble())
            return QStringLiteral("%1: %2, expected %3")
                .arg(where)
                .arg(got.toDouble())
                .arg(want.toDouble());
        return {};
    }
    if (got != want)
        return QStringLiteral("%1: %2, expected %3").arg(where, got.toString(), want.toString());
    return {};
}

QByteArray allBytes()
{
    QByteArray b;
    for (int i = 0; i < 256; ++i)
        b.append(static_cast<char>(i));
    return b;
}

const QVariant kWorkerInfo = M({
    {"op", S("response")},
    {"seq_number", I(1)},
    {"result", M({{"environ", M({{"HOME", S("/home/w")}, {"PATH", S("/usr/bin")}})},
                  {"system", S("posix")},
                  {"basedir", S("/srv/w")},
                  {"numcpus", I(2)},
                  {"version", S("3.7.0")},
                  {"worker_commands", M({{"shell", S("3.1")}, {"mkdir", S("3.2")}})},
                  {"delete_leftover_dirs", T(false)},
                  {"admin", S("Rick <r@example.org>")},
                  {"host", S("h\xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80")}})},
});

const QVariant kUpdateStdout = M({
    {"op", S("update")},
    {"seq_number", I(3)},
    {"command_id", S("1")},
    {"args",
     L({L({S("stdout"), L({S("text\n"), L({I(4)}), L({D(1700000000.25)})})}), L({S("rc"), I(0)})})},
});

const QVariant kInts = M({
    {"op", S("x")},
    {"seq_number", I(Q_INT64_C(4294967296))},
    {"a", L({I(0),
             I(1),
             I(127),
             I(128),
             I(255),
             I(256),
             I(65535),
             I(65536),
             I(Q_INT64_C(4294967295)),
             I(Q_INT64_C(4294967296)),
             I(std::numeric_limits<qint64>::max()),
             U(std::numeric_limits<quint64>::max()),
             I(-1),
             I(-32),
             I(-33),
             I(-128),
             I(-129),
             I(-32768),
             I(-32769),
             I(Q_INT64_C(-2147483648)),
             I(Q_INT64_C(-2147483649)),
             I(std::numeric_limits<qint64>::min())})},
    {"f", L({D(0.5), D(-2.75), D(1e300)})},
    {"t", T(true)},
    {"n", N()},
    {"e", S("")},
    {"b", B(QByteArray())},
});

} // namespace

class TestMsgCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void decodesPythonBytes_data();
    void decodesPythonBytes();
    void encodesLikePython_data();
    void encodesLikePython();
    void encodesQtTypes_data();
    void encodesQtTypes();
    void rejectsTruncationAtEveryPrefix_data();
    void rejectsTruncationAtEveryPrefix();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void messageMustBeMap_data();
    void messageMustBeMap();
    void acceptsNestingUpToLimit();
    void errorTextStaysShort();
    void utf8CheckedAroundAsciiRuns();
    void survivesGarbage();
};

void TestMsgCodec::roundTrip_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::newRow("nil") << N();
    QTest::newRow("true") << T(true);
    QTest::newRow("false") << T(false);
    QTest::newRow("zero") << I(0);
    QTest::newRow("negative") << I(-129);
    QTest::newRow("int64 min") << I(std::numeric_limits<qint64>::min());
    QTest::newRow("int64 max") << I(std::numeric_limits<qint64>::max());
    QTest::newRow("uint64 max") << U(std::numeric_limits<quint64>::max());
    QTest::newRow("float") << D(-1.5e-7);
    QTest::newRow("empty str") << S("");
    QTest::newRow("unicode str") << S("\xe2\x9c\x93 \xf0\x9f\x98\x80 \xc3\xa9");
    QTest::newRow("str 300 bytes") << QVariant(QString(300, u'x'));
    QTest::newRow("str 70000 bytes") << QVariant(QString(70000, u'y'));
    QTest::newRow("bin all bytes") << B(allBytes());
    QTest::newRow("bin 256 KiB") << B(QByteArray(256 * 1024, '\x7f'));
    QTest::newRow("bin empty") << B(QByteArray());
    QTest::newRow("empty array") << L({});
    QTest::newRow("empty map") << QVariant(QVariantMap());
    QVariantList many;
    for (int i = 0; i < 70000; ++i)
        many.append(I(i - 35000));
    QTest::newRow("array 70000") << QVariant(many);
    QTest::newRow("update") << kUpdateStdout;
    QTest::newRow("worker info") << kWorkerInfo;
    QTest::newRow("ints") << kInts;
    QTest::newRow("start_command shell")
        << M({{"op", S("start_command")},
              {"seq_number", I(12)},
              {"builder_name", S("b1")},
              {"command_id", S("7")},
              {"command_name", S("shell")},
              {"args", M({{"workdir", S("/w/b1/build")},
                          {"command", L({S("make"), S("-j2")})},
                          {"env", M({{"A", S("1")}, {"B", N()}, {"P", L({S("/a"), S("/b")})}})},
                          {"timeout", N()},
                          {"usePTY", T(false)},
                          {"initial_stdin", N()}})}});
    QTest::newRow("upload write") << M(
        {{"op", S("update_upload_file_write")}, {"args", B(allBytes())}, {"seq_number", I(8)}});
}

void TestMsgCodec::roundTrip()
{
    QFETCH(QVariant, value);
    const QByteArray bytes = codec::encode(value);
    QVERIFY(!bytes.isEmpty());
    const Result<QVariant> back = codec::decode(bytes);
    QVERIFY2(back.ok(), qPrintable(errorText(back)));
    const QString diff = difference(back.value(), value);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    if (value.typeId() == QMetaType::QVariantMap) {
        const QByteArray viaMessage = codec::encodeMessage(value.toMap());
        QCOMPARE(viaMessage, bytes);
        const Result<QVariantMap> msg = codec::decodeMessage(viaMessage);
        QVERIFY2(msg.ok(), qPrintable(errorText(msg)));
        QVERIFY(difference(QVariant(msg.value()), value).isEmpty());
    }
}

void TestMsgCodec::decodesPythonBytes_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("print response")
        << QByteArray("83a26f70a8726573706f6e7365aa7365715f6e756d62657200a6726573756c74c0")
        << M({{"op", S("response")}, {"seq_number", I(0)}, {"result", N()}});
    QTest::newRow("exception response")
        << QByteArray("84a26f70a8726573706f6e7365aa7365715f6e756d62657207a6726573756c74bd436f6d"
                      "6d616e6420626f67757320646f6573206e6f742065786973742eac69735f6578636570"
                      "74696f6ec3")
        << M({{"op", S("response")},
              {"seq_number", I(7)},
              {"result", S("Command bogus does not exist.")},
              {"is_exception", T(true)}});
    QTest::newRow("update stdout")
        << QByteArray("84a26f70a6757064617465a4617267739292a67374646f757493a5746578740a910491cb"
                      "41d954fc4010000092a2726300aa636f6d6d616e645f6964a131aa7365715f6e756d62"
                      "657203")
        << kUpdateStdout;
    QTest::newRow("update files")
        << QByteArray("84a26f70a6757064617465a4617267739292a566696c657392a161a5622d64697292a272"
                      "6300aa636f6d6d616e645f6964a132aa7365715f6e756d62657204")
        << M({{"op", S("update")},
              {"seq_number", I(4)},
              {"command_id", S("2")},
              {"args", L({L({S("files"), L({S("a"), S("b-dir")})}), L({S("rc"), I(0)})})}});
    QTest::newRow("complete nil")
        << QByteArray("84a26f70a8636f6d706c657465a461726773c0aa636f6d6d616e645f6964a132aa736571"
                      "5f6e756d62657205")
        << M({{"op", S("complete")}, {"args", N()}, {"command_id", S("2")}, {"seq_number", I(5)}});
    QTest::newRow("complete failure")
        << QByteArray("84a26f70a8636f6d706c657465a461726773b85b4661696c75726520696e7374616e6365"
                      "3a20626f6f6d5daa636f6d6d616e645f6964a139aa7365715f6e756d62657206")
        << M({{"op", S("complete")},
              {"args", S("[Failure instance: boom]")},
              {"command_id", S("9")},
              {"seq_number", I(6)}});
    QTest::newRow("worker info")
        << QByteArray(
               "83a26f70a8726573706f6e7365aa7365715f6e756d62657201a6726573756c7489a7656e766972"
               "6f6e82a4484f4d45a72f686f6d652f77a450415448a82f7573722f62696ea673797374656da570"
               "6f736978a762617365646972a62f7372762f77a76e756d6370757302a776657273696f6ea5332e"
               "372e30af776f726b65725f636f6d6d616e647382a57368656c6ca3332e31a56d6b646972a3332e"
               "32b464656c6574655f6c6566746f7665725f64697273c2a561646d696eb45269636b203c724065"
               "78616d706c652e6f72673ea4686f7374af68c3a974c3a920e29c9320f09f9880")
        << kWorkerInfo;
    QByteArray upload("84a26f70b87570646174655f75706c6f61645f66696c655f7772697465a461726773c50100");
    upload += allBytes().toHex();
    upload += "aa636f6d6d616e645f6964a133aa7365715f6e756d62657208";
    QTest::newRow("upload write bin16") << upload
                                        << M({{"op", S("update_upload_file_write")},
                                              {"args", B(allBytes())},
                                              {"command_id", S("3")},
                                              {"seq_number", I(8)}});
    QTest::newRow("ints floats nil bool empty")
        << QByteArray("88a26f70a178aa7365715f6e756d626572cf0000000100000000a161dc001600017fcc80"
                      "ccffcd0100cdffffce00010000ceffffffffcf0000000100000000cf7fffffffffffffff"
                      "cfffffffffffffffffffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff"
                      "7fffffffd38000000000000000a16693cb3fe0000000000000cbc006000000000000cb7e"
                      "37e43c8800759ca174c3a16ec0a165a0a162c400")
        << kInts;
    QTest::newRow("stat update")
        << QByteArray("84a26f70a6757064617465a4617267739292a4737461749acd81a4010201cd03e8cd03e8"
                      "0cce6553f100ce6553f101ce6553f10292a2726300aa636f6d6d616e645f6964a135aa73"
                      "65715f6e756d62657209")
        << M({{"op", S("update")},
              {"seq_number", I(9)},
              {"command_id", S("5")},
              {"args", L({L({S("stat"), L({I(33188), I(1), I(2), I(1), I(1000), I(1000), I(12),
                                           I(1700000000), I(1700000001), I(1700000002)})}),
                          L({S("rc"), I(0)})})}});
    QTest::newRow("float32 becomes double") << QByteArray("81a166ca3fc00000") << M({{"f", D(1.5)}});
    QTest::newRow("str8 key and value")
        << QByteArray("81d903616263d90478797a31") << M({{"abc", S("xyz1")}});
}

void TestMsgCodec::decodesPythonBytes()
{
    QFETCH(QByteArray, hex);
    QFETCH(QVariant, expected);
    const QByteArray bytes = QByteArray::fromHex(hex);
    const Result<QVariantMap> msg = codec::decodeMessage(bytes);
    QVERIFY2(msg.ok(), qPrintable(errorText(msg)));
    const QString diff = difference(QVariant(msg.value()), expected);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

// Python packed these with keys sorted (QVariantMap's order): byte-identical output
// proves the smallest int encodings, float64, str vs bin and str8/array16 choices.
void TestMsgCodec::encodesLikePython_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QByteArray>("hex");
    QTest::newRow("update stdout")
        << kUpdateStdout
        << QByteArray("84a4617267739292a67374646f757493a5746578740a910491cb41d954fc4010000092a2"
                      "726300aa636f6d6d616e645f6964a131a26f70a6757064617465aa7365715f6e756d6265"
                      "7203");
    QTest::newRow("worker info")
        << kWorkerInfo
        << QByteArray(
               "83a26f70a8726573706f6e7365a6726573756c7489a561646d696eb45269636b203c7240657861"
               "6d706c652e6f72673ea762617365646972a62f7372762f77b464656c6574655f6c6566746f7665"
               "725f64697273c2a7656e7669726f6e82a4484f4d45a72f686f6d652f77a450415448a82f757372"
               "2f62696ea4686f7374af68c3a974c3a920e29c9320f09f9880a76e756d6370757302a673797374"
               "656da5706f736978a776657273696f6ea5332e372e30af776f726b65725f636f6d6d616e647382"
               "a56d6b646972a3332e32a57368656c6ca3332e31aa7365715f6e756d62657201");
    QTest::newRow("ints")
        << kInts
        << QByteArray("88a161dc001600017fcc80ccffcd0100cdffffce00010000ceffffffffcf000000010000"
                      "0000cf7fffffffffffffffcfffffffffffffffffffe0d0dfd080d1ff7fd18000d2ffff7f"
                      "ffd280000000d3ffffffff7fffffffd38000000000000000a162c400a165a0a16693cb3f"
                      "e0000000000000cbc006000000000000cb7e37e43c8800759ca16ec0a26f70a178aa7365"
                      "715f6e756d626572cf0000000100000000a174c3");
}

void TestMsgCodec::encodesLikePython()
{
    QFETCH(QVariant, value);
    QFETCH(QByteArray, hex);
    QCOMPARE(codec::encode(value).toHex(), hex);
}

void TestMsgCodec::encodesQtTypes_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QByteArray>("hex");
    QTest::newRow("invalid is nil") << QVariant() << QByteArray("c0");
    QTest::newRow("nullptr is nil") << QVariant::fromValue(nullptr) << QByteArray("c0");
    QTest::newRow("int 5") << QVariant(5) << QByteArray("05");
    QTest::newRow("int -1") << QVariant(-1) << QByteArray("ff");
    QTest::newRow("int 200") << QVariant(200) << QByteArray("ccc8");
    QTest::newRow("int -200") << QVariant(-200) << QByteArray("d1ff38");
    QTest::newRow("uint 70000") << QVariant(70000u) << QByteArray("ce00011170");
    QTest::newRow("qlonglong 1") << QVariant(qlonglong(1)) << QByteArray("01");
    QTest::newRow("qulonglong 2^32")
        << QVariant(qulonglong(1) << 32) << QByteArray("cf0000000100000000");
    QTest::newRow("short -3") << QVariant::fromValue(short(-3)) << QByteArray("fd");
    QTest::newRow("float is float64") << QVariant(1.5f) << QByteArray("cb3ff8000000000000");
    QTest::newRow("double") << QVariant(-0.25) << QByteArray("cbbfd0000000000000");
    QTest::newRow("QString is str") << QVariant(u"ab"_s) << QByteArray("a26162");
    QTest::newRow("null QString is empty str") << QVariant(QString()) << QByteArray("a0");
    QTest::newRow("QByteArray is bin") << QVariant(QByteArray("ab")) << QByteArray("c4026162");
    QTest::newRow("QStringList") << QVariant(QStringList{u"a"_s, u"b"_s})
                                 << QByteArray("92a161a162");
    QTest::newRow("QVariantHash") << QVariant(QVariantHash{{u"k"_s, true}})
                                  << QByteArray("81a16bc3");
    QTest::newRow("QByteArrayList")
        << QVariant::fromValue(QByteArrayList{"x"}) << QByteArray("91c40178");
    // Unsupported types are sent as their toString() text.
    const QDateTime when(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC);
    QTest::newRow("QDateTime as toString")
        << QVariant(when) << codec::encode(QVariant(QVariant(when).toString())).toHex();
}

void TestMsgCodec::encodesQtTypes()
{
    QFETCH(QVariant, value);
    QFETCH(QByteArray, hex);
    QCOMPARE(codec::encode(value).toHex(), hex);
}

void TestMsgCodec::rejectsTruncationAtEveryPrefix_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::newRow("update") << kUpdateStdout;
    QTest::newRow("worker info") << kWorkerInfo;
    QTest::newRow("ints") << kInts;
    QTest::newRow("bin") << M({{"b", B(allBytes())}, {"s", QVariant(QString(300, u'z'))}});
}

void TestMsgCodec::rejectsTruncationAtEveryPrefix()
{
    QFETCH(QVariant, value);
    const QByteArray bytes = codec::encode(value);
    QVERIFY(!codec::decode(QByteArrayView()).ok());
    for (qsizetype n = 1; n < bytes.size(); ++n) {
        const Result<QVariant> r = codec::decode(QByteArrayView(bytes.constData(), n));
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("prefix %1 decoded").arg(n)));
        QVERIFY2(r.error().message.contains(u"truncated msgpack"_s),
                 qPrintable(QStringLiteral("prefix %1: %2").arg(n).arg(r.error().message)));
    }
    QVERIFY(codec::decode(bytes).ok());
}

void TestMsgCodec::rejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("error");
    QTest::newRow("1 trailing byte")
        << QByteArray("8000") << u"1 trailing bytes after the message"_s;
    QTest::newRow("2 trailing bytes") << QByteArray("81a161c0c0c0") << u"2 trailing bytes"_s;
    QTest::newRow("invalid byte 0xc1") << QByteArray("c1") << u"invalid msgpack byte"_s;
    QTest::newRow("0xc1 inside a map") << QByteArray("81a161c1") << u"invalid msgpack byte"_s;
    QTest::newRow("utf8 0xff") << QByteArray("a1ff") << u"invalid UTF-8 in string at $"_s;
    QTest::newRow("utf8 overlong") << QByteArray("a2c080") << u"invalid UTF-8 in string"_s;
    QTest::newRow("utf8 overlong 3") << QByteArray("a3e08080") << u"invalid UTF-8 in string"_s;
    QTest::newRow("utf8 surrogate") << QByteArray("a3eda080") << u"invalid UTF-8 in string"_s;
    QTest::newRow("utf8 above U+10FFFF") << QByteArray("a4f4908080") << u"invalid UTF-8"_s;
    QTest::newRow("utf8 cut sequence") << QByteArray("a4612020c3") << u"invalid UTF-8"_s;
    QTest::newRow("utf8 lone continuation") << QByteArray("a180") << u"invalid UTF-8"_s;
    QTest::newRow("utf8 nested path")
        << QByteArray("81a46172677392a26f6ba1ff") << u"invalid UTF-8 in string at $.args[1]"_s;
    QTest::newRow("utf8 in key") << QByteArray("81a1fec0") << u"invalid UTF-8 in string at $"_s;
    QTest::newRow("fixext1") << QByteArray("d40100") << u"ext type"_s;
    QTest::newRow("ext8 empty") << QByteArray("c70001") << u"ext type"_s;
    QTest::newRow("ext in map") << QByteArray("81a161d5010000") << u"ext type"_s;
    QTest::newRow("int key") << QByteArray("810102") << u"map key is not a string"_s;
    QTest::newRow("nil key") << QByteArray("81c001") << u"map key is not a string"_s;
    QTest::newRow("bin key") << QByteArray("81c401610102") << u"map key is not a string"_s;
    QTest::newRow("array key") << QByteArray("819001") << u"map key is not a string"_s;
    QTest::newRow("map key") << QByteArray("818001") << u"map key is not a string"_s;
    QTest::newRow("65 nested arrays")
        << (QByteArray("91").repeated(64) + "90") << u"nesting deeper than 64 levels"_s;
    QTest::newRow("65 nested maps")
        << (QByteArray("81a161").repeated(64) + "80") << u"nesting deeper than 64 levels"_s;
    QTest::newRow("array32 claims 4G items") << QByteArray("ddffffffff") << u"truncated msgpack"_s;
    QTest::newRow("map32 claims 4G pairs")
        << QByteArray("dfffffffffa161") << u"truncated msgpack"_s;
    QTest::newRow("str32 claims 4 GiB") << QByteArray("dbffffffff61") << u"truncated msgpack"_s;
    QTest::newRow("bin32 claims 4 GiB") << QByteArray("c6ffffffff") << u"truncated msgpack"_s;
}

void TestMsgCodec::rejectsBadInput()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, error);
    const QByteArray bytes = QByteArray::fromHex(hex);
    const Result<QVariant> r = codec::decode(bytes);
    QVERIFY2(!r.ok(), "decoded");
    QVERIFY2(r.error().message.contains(error), qPrintable(errorText(r)));
    const Result<QVariantMap> m = codec::decodeMessage(bytes);
    QVERIFY(!m.ok());
    QCOMPARE(m.error().message, r.error().message);
}

void TestMsgCodec::messageMustBeMap_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("error");
    QTest::newRow("array") << QByteArray("9101") << u"message is not a map (got array)"_s;
    QTest::newRow("str") << QByteArray("a161") << u"message is not a map (got str)"_s;
    QTest::newRow("bin") << QByteArray("c40161") << u"message is not a map (got bin)"_s;
    QTest::newRow("int") << QByteArray("07") << u"message is not a map (got int)"_s;
    QTest::newRow("nil") << QByteArray("c0") << u"message is not a map (got nil)"_s;
    QTest::newRow("bool") << QByteArray("c3") << u"message is not a map (got bool)"_s;
    QTest::newRow("float") << QByteArray("cb3ff8000000000000")
                           << u"message is not a map (got float)"_s;
}

void TestMsgCodec::messageMustBeMap()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, error);
    const QByteArray bytes = QByteArray::fromHex(hex);
    QVERIFY(codec::decode(bytes).ok());
    const Result<QVariantMap> m = codec::decodeMessage(bytes);
    QVERIFY(!m.ok());
    QCOMPARE(m.error().message, error);
}

void TestMsgCodec::acceptsNestingUpToLimit()
{
    QVariant deep = L({});
    for (int i = 1; i < 64; ++i)
        deep = L({deep});
    const QByteArray bytes = codec::encode(deep);
    QCOMPARE(bytes, QByteArray::fromHex(QByteArray("91").repeated(63) + "90"));
    const Result<QVariant> r = codec::decode(bytes);
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QVERIFY(difference(r.value(), deep).isEmpty());
    QVERIFY(!codec::decode(codec::encode(L({deep}))).ok());
}

// Keys come from the peer: an error quoting a path stays short and on one line.
void TestMsgCodec::errorTextStaysShort()
{
    QByteArray bytes;
    for (int i = 0; i < 60; ++i) {
        const QByteArray key = QByteArray(200, 'k') + "\n";
        bytes += QByteArray::fromHex("81d9") + char(key.size()) + key;
    }
    bytes += QByteArray::fromHex("a1ff");
    const Result<QVariant> r = codec::decode(bytes);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.startsWith(u"invalid UTF-8 in string at $.kkk"_s),
             qPrintable(r.error().message));
    QVERIFY2(r.error().message.size() < 200, qPrintable(r.error().message));
    QVERIFY(!r.error().message.contains(u'\n'));
}

// The UTF-8 check skips ASCII eight bytes at a time: a bad or a valid
// multi-byte sequence after any length of ASCII, at any alignment, and
// followed by any length of ASCII, is still found (or kept) exactly.
void TestMsgCodec::utf8CheckedAroundAsciiRuns()
{
    auto str32 = [](const QByteArray& data) {
        QByteArray out("\xdb");
        for (int shift = 24; shift >= 0; shift -= 8)
            out += char((quint32(data.size()) >> shift) & 0xff);
        return out + data;
    };
    const QList<QByteArray> bad{QByteArray::fromHex("ff"),       QByteArray::fromHex("c080"),
                                QByteArray::fromHex("e08080"),   QByteArray::fromHex("eda080"),
                                QByteArray::fromHex("f4908080"), QByteArray::fromHex("80"),
                                QByteArray::fromHex("e29c")};          // the last: cut short
    const QByteArray good = QByteArray::fromHex("c3a9e29c93f09f9880"); // e-acute, check, smiley
    for (int before = 0; before <= 19; ++before) {
        for (int after = 0; after <= 17; ++after) {
            const QByteArray head(before, 'a'), tail(after, 'z');
            for (const QByteArray& b : bad) {
                const QByteArray str = head + b + (b.size() == 2 && b[0] == '\xe2' ? "" : tail);
                const Result<QVariant> r = codec::decode(str32(str));
                QVERIFY2(!r.ok(), str.toHex().constData());
                QVERIFY2(r.error().message.contains(u"(byte %1 of the string)"_s.arg(before)),
                         qPrintable(r.error().message));
            }
            const QByteArray valid = head + good + tail;
            const Result<QVariant> r = codec::decode(str32(valid));
            QVERIFY2(r.ok(), qPrintable(errorText(r)));
            QCOMPARE(r.value().toString(), QString::fromUtf8(valid));
        }
    }
}

// Random bytes and mutated real messages: every input either decodes or yields an
// error that says something; none may crash or hang.
void TestMsgCodec::survivesGarbage()
{
    QRandomGenerator rng(20240607);
    int failures = 0;
    for (int i = 0; i < 20000; ++i) {
        QByteArray junk(1 + static_cast<qsizetype>(rng.bounded(64)), '\0');
        for (char& c : junk)
            c = static_cast<char>(rng.bounded(256));
        const Result<QVariant> r = codec::decode(junk);
        if (!r.ok()) {
            ++failures;
            QVERIFY(!r.error().message.isEmpty());
        }
    }
    const QByteArray base = codec::encode(kWorkerInfo);
    for (int i = 0; i < 20000; ++i) {
        QByteArray mutated = base;
        for (int k = 0; k < 3; ++k)
            mutated[rng.bounded(mutated.size())] = static_cast<char>(rng.bounded(256));
        const Result<QVariantMap> r = codec::decodeMessage(mutated);
        if (!r.ok()) {
            ++failures;
            QVERIFY(!r.error().message.isEmpty());
        }
    }
    QVERIFY(failures > 0);
}

QTEST_GUILESS_MAIN(TestMsgCodec)
#include "tst_msg_codec.moc"
