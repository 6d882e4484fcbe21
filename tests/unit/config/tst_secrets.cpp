// The directory secret store, secret references and secret names. No error
// text may contain a secret's value.
#include "secrets/DirectorySecretStore.h"
#include "secrets/SecretStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace ym;
using namespace Qt::StringLiterals;

namespace {

const QByteArray Value = "s3cr3t-VALUE-do-not-show";

mode_t modeOf(const QString& path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

bool setMode(const QString& path, mode_t mode)
{
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

bool writeFile(const QString& path, const QByteArray& data, mode_t mode)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size() && (f.close(), true) &&
           setMode(path, mode);
}

QString message(const Result<QByteArray>& r)
{
    return r.ok() ? QString() : r.error().message;
}

} // namespace

class TestSecrets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeReadListRemove()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(u"config/secrets"_s); // parents missing too
        DirectorySecretStore store(dir);
        QCOMPARE(store.backendName(), u"directory"_s);
        QCOMPARE(store.list().value(), QStringList()); // no folder yet: nothing stored

        const mode_t oldMask = ::umask(0); // permissions must not depend on the umask
        const Result<void> w1 = store.write(u"worker/bot-linux"_s, Value);
        const Result<void> w2 = store.write(u"other"_s, "x");
        ::umask(oldMask);
        QVERIFY2(w1.ok(), w1.ok() ? "" : qPrintable(w1.error().message));
        QVERIFY(w2.ok());

        QCOMPARE(modeOf(dir), mode_t(0700));
        QCOMPARE(modeOf(dir + u"/worker"_s), mode_t(0700));
        QCOMPARE(modeOf(dir + u"/worker/bot-linux"_s), mode_t(0600));
        QCOMPARE(modeOf(dir + u"/other"_s), mode_t(0600));

        QCOMPARE(store.read(u"worker/bot-linux"_s).value(), Value);
        QCOMPARE(store.list().value(), (QStringList{u"other"_s, u"worker/bot-linux"_s}));

        // Overwrite
        QVERIFY(store.write(u"worker/bot-linux"_s, "new").ok());
        QCOMPARE(store.read(u"worker/bot-linux"_s).value(), QByteArray("new"));

        QVERIFY(store.remove(u"worker/bot-linux"_s).ok());
        QCOMPARE(message(store.read(u"worker/bot-linux"_s)),
                 u"secret 'worker/bot-linux' not found in %1"_s.arg(dir));
        QVERIFY(!QFileInfo::exists(dir + u"/worker"_s)); // emptied folder removed
        QCOMPARE(store.list().value(), QStringList{u"other"_s});
        const Result<void> again = store.remove(u"worker/bot-linux"_s);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().message, u"secret 'worker/bot-linux' not found in %1"_s.arg(dir));
    }

    void trailingNewline_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("none") << QByteArray("pw") << QByteArray("pw");
        QTest::newRow("one") << QByteArray("pw\n") << QByteArray("pw");
        QTest::newRow("two") << QByteArray("pw\n\n") << QByteArray("pw\n");
        QTest::newRow("crlf") << QByteArray("pw\r\n") << QByteArray("pw\r");
        QTest::newRow("inner") << QByteArray("a\nb\n") << QByteArray("a\nb");
        QTest::newRow("binary") << QByteArray("\x00\xff ", 3) << QByteArray("\x00\xff ", 3);
    }

    void trailingNewline()
    {
        QFETCH(QByteArray, file);
        QFETCH(QByteArray, value);
        QTemporaryDir tmp;
        DirectorySecretStore store(tmp.path());
        QVERIFY(writeFile(tmp.filePath(u"pw"_s), file, 0600));
        QCOMPARE(store.read(u"pw"_s).value(), value);
        // What write() stores reads back exactly, newlines included.
        QVERIFY(store.write(u"copy"_s, file).ok());
        QCOMPARE(store.read(u"copy"_s).value(), file);
    }

    void refusesOpenPermissions_data()
    {
        QTest::addColumn<QString>("open"); // relative to the store: "" is the store's folder
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("expected"); // %1 is the open path
        const QString file =
            u"secret 'worker/x': %1 is readable by group or others (mode %2); run chmod 600 %1"_s;
        const QString folder =
            u"secret 'worker/x': %1 is accessible by group or others (mode %2); run chmod 700 %1"_s;
        QTest::newRow("file 0644") << u"worker/x"_s << 0644 << file.arg(u"%1"_s, u"0644"_s);
        QTest::newRow("file 0640") << u"worker/x"_s << 0640 << file.arg(u"%1"_s, u"0640"_s);
        QTest::newRow("file 0604") << u"worker/x"_s << 0604 << file.arg(u"%1"_s, u"0604"_s);
        QTest::newRow("file 0620") << u"worker/x"_s << 0620 << file.arg(u"%1"_s, u"0620"_s);
        QTest::newRow("folder 0755") << u"worker"_s << 0755 << folder.arg(u"%1"_s, u"0755"_s);
        QTest::newRow("folder 0701") << u"worker"_s << 0701 << folder.arg(u"%1"_s, u"0701"_s);
        QTest::newRow("store 0750") << QString() << 0750 << folder.arg(u"%1"_s, u"0750"_s);
    }

    void refusesOpenPermissions()
    {
        QFETCH(QString, open);
        QFETCH(int, mode);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(u"secrets"_s);
        DirectorySecretStore store(dir);
        QVERIFY(store.write(u"worker/x"_s, Value).ok());
        QVERIFY(store.read(u"worker/x"_s).ok());

        const QString openPath = open.isEmpty() ? dir : dir + u'/' + open;
        QVERIFY(setMode(openPath, mode_t(mode)));
        const Result<QByteArray> r = store.read(u"worker/x"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, expected.arg(openPath));
        QVERIFY(!r.error().message.contains(QString::fromUtf8(Value)));

        // Through a reference, the place comes first and the value stays hidden.
        const Result<QByteArray> ref =
            resolveSecret({SecretRef::Kind::Secret, u"worker/x"_s}, store, u"worker 'x'"_s);
        QVERIFY(!ref.ok());
        QCOMPARE(ref.error().message, u"worker 'x': "_s + expected.arg(openPath));

        // A folder open to others is not written into either.
        if (openPath != dir + u"/worker/x"_s) {
            const Result<void> w = store.write(u"worker/y"_s, Value);
            QVERIFY(!w.ok());
            QVERIFY(!QFileInfo::exists(dir + u"/worker/y"_s));
        }

        QVERIFY(setMode(openPath, openPath.endsWith(u"/x"_s) ? 0600 : 0700));
        QCOMPARE(store.read(u"worker/x"_s).value(), Value);
    }

    // A write that fails half-way (file size limit; works for root too) keeps
    // the old secret whole.
    void failedWriteKeepsOldSecret()
    {
        QTemporaryDir tmp;
        DirectorySecretStore store(tmp.path());
        QVERIFY(store.write(u"worker/a"_s, Value).ok());

        const QByteArray big = Value + QByteArray(4000, 'v');
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        rlimit small = saved;
        small.rlim_cur = 1024;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        const Result<void> r = store.write(u"worker/a"_s, big);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);

        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, u"secret 'worker/a': cannot write %1 (disk full?)"_s.arg(
                                        tmp.filePath(u"worker/a"_s)));
        QCOMPARE(store.read(u"worker/a"_s).value(), Value);
        QCOMPARE(store.list().value(), QStringList{u"worker/a"_s}); // no temporary file left
    }

    void notFound()
    {
        QTemporaryDir tmp;
        DirectorySecretStore store(tmp.path());
        QCOMPARE(message(store.read(u"worker/nope"_s)),
                 u"secret 'worker/nope' not found in %1"_s.arg(tmp.path()));
        DirectorySecretStore missingDir(tmp.filePath(u"nothing-here"_s));
        QCOMPARE(message(missingDir.read(u"a"_s)),
                 u"secret 'a' not found in %1"_s.arg(tmp.filePath(u"nothing-here"_s)));
        // A folder where the file should be
        QVERIFY(QDir(tmp.path()).mkdir(u"dir"_s));
        QVERIFY(setMode(tmp.filePath(u"dir"_s), 0700));
        QCOMPARE(message(store.read(u"dir"_s)),
                 u"secret 'dir': %1 is not a regular file"_s.arg(tmp.filePath(u"dir"_s)));
    }

    void secretName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("simple") << u"a"_s << QString();
        QTest::newRow("nested") << u"worker/bot-linux"_s << QString();
        QTest::newRow("all chars") << u"A.b_c-9/x.y/z"_s << QString();
        QTest::newRow("hidden-like") << u".hidden"_s << QString();
        QTest::newRow("200 chars") << QString(200, u'a') << QString();
        QTest::newRow("empty") << QString() << u"secret name must not be empty"_s;
        QTest::newRow("201 chars")
            << QString(201, u'a') << u"secret name is longer than 200 characters"_s;
        QTest::newRow("leading slash")
            << u"/etc/passwd"_s
            << u"secret name '/etc/passwd' has an empty part (a leading, trailing or doubled '/')"_s;
        QTest::newRow("trailing slash")
            << u"a/"_s
            << u"secret name 'a/' has an empty part (a leading, trailing or doubled '/')"_s;
        QTest::newRow("double slash")
            << u"a//b"_s
            << u"secret name 'a//b' has an empty part (a leading, trailing or doubled '/')"_s;
        QTest::newRow("dotdot") << u"../x"_s << u"secret name '../x' has a '..' part"_s;
        QTest::newRow("inner dotdot")
            << u"a/../../x"_s << u"secret name 'a/../../x' has a '..' part"_s;
        QTest::newRow("dot") << u"a/./b"_s << u"secret name 'a/./b' has a '.' part"_s;
        const QString allowed =
            u"(allowed: letters, digits, '.', '_', '-' and '/' between parts)"_s;
        QTest::newRow("space") << u"a b"_s << u"secret name 'a b' contains ' ' "_s + allowed;
        QTest::newRow("backslash") << u"a\\b"_s << u"secret name 'a\\b' contains '\\' "_s + allowed;
        QTest::newRow("umlaut") << u"\u00e4"_s
                                << u"secret name '\u00e4' contains '\u00e4' "_s + allowed;
        QTest::newRow("newline") << u"a\nb"_s
                                 << u"secret name '...' contains 'U+000a' "_s + allowed;
    }

    void secretName()
    {
        QFETCH(QString, name);
        QFETCH(QString, error);
        const Result<void> r = validateSecretName(name);
        QCOMPARE(r.ok(), error.isEmpty());
        if (!r.ok())
            QCOMPARE(r.error().message, error);

        // The store refuses the same names and writes nothing for them.
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(u"store"_s);
        DirectorySecretStore store(dir);
        const Result<void> w = store.write(name, Value);
        QCOMPARE(w.ok(), error.isEmpty());
        if (!w.ok()) {
            QCOMPARE(w.error().message, error);
            QCOMPARE(message(store.read(name)), error);
            QVERIFY(!QFileInfo::exists(dir));
            QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                     QStringList());
        } else {
            QCOMPARE(store.read(name).value(), Value);
            QCOMPARE(store.list().value(), QStringList{name});
        }
    }

    void references()
    {
        QTemporaryDir tmp;
        DirectorySecretStore store(tmp.path());
        QVERIFY(store.write(u"worker/a"_s, Value).ok());

        const auto resolve = [&](SecretRef::Kind kind, const QString& v) {
            return resolveSecret({kind, v}, store, u"worker 'a'"_s);
        };
        QCOMPARE(resolve(SecretRef::Kind::Secret, u"worker/a"_s).value(), Value);
        QCOMPARE(message(resolve(SecretRef::Kind::Secret, u"worker/b"_s)),
                 u"worker 'a': secret 'worker/b' not found in %1"_s.arg(tmp.path()));

        qputenv("YM_TST_SECRET_PW", Value);
        QCOMPARE(resolve(SecretRef::Kind::Env, u"YM_TST_SECRET_PW"_s).value(), Value);
        qunsetenv("YM_TST_SECRET_UNSET");
        QCOMPARE(message(resolve(SecretRef::Kind::Env, u"YM_TST_SECRET_UNSET"_s)),
                 u"worker 'a': environment variable YM_TST_SECRET_UNSET is not set"_s);
        qputenv("YM_TST_SECRET_EMPTY", "");
        QCOMPARE(message(resolve(SecretRef::Kind::Env, u"YM_TST_SECRET_EMPTY"_s)),
                 u"worker 'a': environment variable YM_TST_SECRET_EMPTY is empty"_s);

        QCOMPARE(resolve(SecretRef::Kind::Plain, u"pl\u00e4in"_s).value(),
                 u"pl\u00e4in"_s.toUtf8());

        QVERIFY(store.write(u"worker/empty"_s, {}).ok());
        QCOMPARE(message(resolve(SecretRef::Kind::Secret, u"worker/empty"_s)),
                 u"worker 'a': secret 'worker/empty' is empty"_s);
        qunsetenv("YM_TST_SECRET_PW");
        qunsetenv("YM_TST_SECRET_EMPTY");
    }

    void listSkipsInvalidNames()
    {
        QTemporaryDir tmp;
        DirectorySecretStore store(tmp.path());
        QVERIFY(store.write(u"b/c"_s, "1").ok());
        QVERIFY(store.write(u"a"_s, "1").ok());
        QVERIFY(writeFile(tmp.filePath(u"has space"_s), "1", 0600));
        QCOMPARE(store.list().value(), (QStringList{u"a"_s, u"b/c"_s}));
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
