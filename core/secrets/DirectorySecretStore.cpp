#include "secrets/DirectorySecretStore.h"

#include "util/Logging.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

namespace ym {

namespace {

constexpr mode_t GroupOtherBits = 077;

QString octal(mode_t mode)
{
    return QStringLiteral("%1").arg(uint(mode & 07777), 4, 8, QLatin1Char('0'));
}

QString errnoText(int err)
{
    return QString::fromLocal8Bit(::strerror(err));
}

enum class Kind
{
    Folder,
    File
};

// Checks one path of the chain DIR, DIR/a, ..., DIR/a/name. Returns an error
// text, or an empty string when the path is fine; sets `missing` when the path
// does not exist.
QString checkPath(const QString& secret, const QString& path, Kind kind, bool& missing)
{
    missing = false;
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            missing = true;
            return {};
        }
        return QStringLiteral("secret '%1': cannot check %2 (%3)")
            .arg(secret, path, errnoText(err));
    }
    if (kind == Kind::Folder && !S_ISDIR(st.st_mode))
        return QStringLiteral("secret '%1': %2 is not a folder").arg(secret, path);
    if (kind == Kind::File && !S_ISREG(st.st_mode))
        return QStringLiteral("secret '%1': %2 is not a regular file").arg(secret, path);
    if (st.st_mode & GroupOtherBits) {
        return QStringLiteral("secret '%1': %2 is %3 by group or others (mode %4); run chmod %5 %2")
            .arg(secret, path,
                 kind == Kind::File ? QStringLiteral("readable") : QStringLiteral("accessible"),
                 octal(st.st_mode),
                 kind == Kind::File ? QStringLiteral("600") : QStringLiteral("700"));
    }
    return {};
}

// The folders between the store's folder and the secret's file, the store's
// folder first: "a/b/c" in DIR gives DIR, DIR/a, DIR/a/b.
QStringList foldersOf(const QString& dir, const QString& name)
{
    QStringList folders{dir};
    const QStringList parts = name.split(u'/');
    QString current = dir;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        current += u'/' + parts[i];
        folders << current;
    }
    return folders;
}

} // namespace

DirectorySecretStore::DirectorySecretStore(QString directory)
    : m_dir(QDir::cleanPath(QFileInfo(directory).absoluteFilePath()))
{}

Result<QByteArray> DirectorySecretStore::read(const QString& name) const
{
    if (auto valid = validateSecretName(name); !valid)
        return valid.error();
    const QString notFound = QStringLiteral("secret '%1' not found in %2").arg(name, m_dir);
    bool missing = false;
    for (const QString& folder : foldersOf(m_dir, name)) {
        const QString problem = checkPath(name, folder, Kind::Folder, missing);
        if (missing)
            return Error{notFound};
        if (!problem.isEmpty())
            return Error{problem};
    }
    const QString path = m_dir + u'/' + name;
    const QString problem = checkPath(name, path, Kind::File, missing);
    if (missing)
        return Error{notFound};
    if (!problem.isEmpty())
        return Error{problem};

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{
            QStringLiteral("secret '%1': cannot read %2 (%3)").arg(name, path, file.errorString())};
    QByteArray value = file.readAll();
    if (value.endsWith('\n'))
        value.chop(1);
    return value;
}

Result<void> DirectorySecretStore::write(const QString& name, const QByteArray& value)
{
    if (auto valid = validateSecretName(name); !valid)
        return valid.error();
    // Missing parents of the store's own folder are created owner-only too.
    QStringList parents;
    for (QFileInfo fi(QFileInfo(m_dir).absolutePath()); !fi.exists() && !fi.isRoot();
         fi = QFileInfo(fi.absolutePath()))
        parents.prepend(fi.absoluteFilePath());
    for (const QString& parent : std::as_const(parents)) {
        if (::mkdir(QFile::encodeName(parent).constData(), 0700) != 0 && errno != EEXIST)
            return Error{QStringLiteral("secret '%1': cannot create the folder %2 (%3)")
                             .arg(name, parent, errnoText(errno))};
    }
    bool missing = false;
    for (const QString& folder : foldersOf(m_dir, name)) {
        const QString problem = checkPath(name, folder, Kind::Folder, missing);
        if (!problem.isEmpty())
            return Error{problem};
        if (!missing)
            continue;
        if (::mkdir(QFile::encodeName(folder).constData(), 0700) != 0 && errno != EEXIST) {
            return Error{QStringLiteral("secret '%1': cannot create the folder %2 (%3)")
                             .arg(name, folder, errnoText(errno))};
        }
        ::chmod(QFile::encodeName(folder).constData(), 0700); // in case of an odd umask
    }

    const QString path = m_dir + u'/' + name;
    if (QFileInfo(path).isDir())
        return Error{QStringLiteral("secret '%1': %2 is a folder").arg(name, path)};
    QSaveFile file(path);
    const auto fail = [&](const QString& what) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return Error{
            QStringLiteral("secret '%1': cannot %2 %3 (%4)").arg(name, what, path, reason)};
    };
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("write"));
    // Owner-only before the file takes its name.
    if (!file.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
        return fail(QStringLiteral("restrict the permissions of"));
    const QByteArray text = value + '\n'; // read() drops exactly one trailing newline
    // Qt 6.4 takes a short write (disk full) for success: check the size first.
    if (file.write(text) != text.size() || !file.flush() || file.size() != text.size()) {
        file.cancelWriting();
        return Error{QStringLiteral("secret '%1': cannot write %2 (disk full?)").arg(name, path)};
    }
    if (!file.commit())
        return fail(QStringLiteral("write"));
    qCInfo(lcSecrets) << "stored secret" << name << "in" << m_dir;
    return {};
}

Result<void> DirectorySecretStore::remove(const QString& name)
{
    if (auto valid = validateSecretName(name); !valid)
        return valid.error();
    const QString path = m_dir + u'/' + name;
    const QFileInfo info(path);
    if (!info.exists() || info.isDir())
        return Error{QStringLiteral("secret '%1' not found in %2").arg(name, m_dir)};
    QFile file(path);
    if (!file.remove())
        return Error{QStringLiteral("secret '%1': cannot remove %2 (%3)")
                         .arg(name, path, file.errorString())};
    // Drop folders the secret leaves empty, never the store's own folder.
    QStringList folders = foldersOf(m_dir, name);
    folders.removeFirst();
    for (auto it = folders.crbegin(); it != folders.crend(); ++it) {
        if (::rmdir(QFile::encodeName(*it).constData()) != 0)
            break;
    }
    qCInfo(lcSecrets) << "removed secret" << name << "from" << m_dir;
    return {};
}

Result<QStringList> DirectorySecretStore::list() const
{
    const QFileInfo root(m_dir);
    if (!root.exists())
        return QStringList{};
    if (!root.isDir())
        return Error{QStringLiteral("secrets folder %1 is not a folder").arg(m_dir)};
    const QDir dir(m_dir);
    QStringList names;
    QDirIterator it(m_dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString name = dir.relativeFilePath(it.next());
        if (validateSecretName(name).ok())
            names << name;
    }
    names.sort();
    return names;
}

void DirectorySecretStore::readAsync(const QString& name, QObject*, ReadDone done)
{
    done(read(name));
}

void DirectorySecretStore::writeAsync(const QString& name, const QByteArray& value, QObject*,
                                      Done done)
{
    done(write(name, value));
}

void DirectorySecretStore::removeAsync(const QString& name, QObject*, Done done)
{
    done(remove(name));
}

void DirectorySecretStore::listAsync(QObject*, ListDone done)
{
    done(list());
}

} // namespace ym
