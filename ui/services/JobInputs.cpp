#include "JobInputs.h"

#include "JobTypes.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <vector>

namespace wan::ui {

namespace {

QString toQString(const std::filesystem::path& path)
{
    return QString::fromStdString(path.string());
}

// The request's pictures with the name their copy gets.
std::vector<std::pair<std::filesystem::path*, QString>> pictures(wan::Request* request)
{
    std::vector<std::pair<std::filesystem::path*, QString>> list;
    if (!request->image.empty())
        list.emplace_back(&request->image, QStringLiteral("image"));
    if (!request->firstFrame.empty())
        list.emplace_back(&request->firstFrame, QStringLiteral("first-frame"));
    if (!request->lastFrame.empty())
        list.emplace_back(&request->lastFrame, QStringLiteral("last-frame"));
    for (size_t i = 0; i < request->srcRefImages.size(); ++i)
        if (!request->srcRefImages[i].empty())
            list.emplace_back(&request->srcRefImages[i], QStringLiteral("reference-%1").arg(i + 1));
    return list;
}

QString cleanRoot(const QString& root)
{
    return QDir::cleanPath(QFileInfo(root).absoluteFilePath());
}

// The direct child of `root` that `file` lies in, or "" when it does not lie below root.
QString stagedFolderOf(const QString& file, const QString& root)
{
    const QString path = QDir::cleanPath(QFileInfo(file).absoluteFilePath());
    const QString prefix = root + QLatin1Char('/');
    if (!path.startsWith(prefix))
        return {};
    const QString rest = path.mid(prefix.size());
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return {};
    return prefix + rest.left(slash);
}

} // namespace

bool stageJobInputs(wan::Request* request, const QString& root, QString* error)
{
    if (root.isEmpty())
        return true;
    const QString base = cleanRoot(root);
    wan::Request staged = *request;
    auto list = pictures(&staged);
    bool anyToCopy = false;
    for (const auto& [path, name] : list)
        anyToCopy = anyToCopy || stagedFolderOf(toQString(*path), base).isEmpty();
    if (!anyToCopy)
        return true;

    if (!QDir().mkpath(base)) {
        *error = QCoreApplication::translate(
                     "JobInputs",
                     "Could not create the folder %1 for the job's input pictures. Check that the disk "
                     "is writable.")
                     .arg(QDir::toNativeSeparators(base));
        return false;
    }
    QDir rootDir(base);
    QString folderName;
    for (int attempt = 0; attempt < 8 && folderName.isEmpty(); ++attempt) {
        const QString candidate = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (rootDir.mkdir(candidate)) // exclusive: fails on a folder that exists
            folderName = candidate;
    }
    if (folderName.isEmpty()) {
        *error = QCoreApplication::translate(
                     "JobInputs",
                     "Could not create a folder in %1 for the job's input pictures. Check that the disk "
                     "is writable.")
                     .arg(QDir::toNativeSeparators(base));
        return false;
    }
    QDir folder(rootDir.filePath(folderName));
    for (const auto& [path, name] : list) {
        const QString source = toQString(*path);
        if (!stagedFolderOf(source, base).isEmpty())
            continue;
        const QString suffix = QFileInfo(source).suffix();
        const QString target = folder.filePath(suffix.isEmpty() ? name : name + QLatin1Char('.') + suffix);
        if (!QFile::copy(source, target)) {
            *error = QCoreApplication::translate(
                         "JobInputs",
                         "Could not copy %1 into the job's input folder %2. Check that the picture still "
                         "exists and the disk has free space.")
                         .arg(QDir::toNativeSeparators(source), QDir::toNativeSeparators(folder.path()));
            folder.removeRecursively();
            return false;
        }
        *path = std::filesystem::path(target.toStdString());
    }
    spdlog::info("copied the job's input pictures to {}", folder.path().toStdString());
    *request = std::move(staged);
    return true;
}

QStringList stagedInputFolders(const wan::Request& request, const QString& root)
{
    QStringList folders;
    if (root.isEmpty())
        return folders;
    const QString base = cleanRoot(root);
    wan::Request copy = request;
    for (const auto& [path, name] : pictures(&copy)) {
        const QString folder = stagedFolderOf(toQString(*path), base);
        if (!folder.isEmpty() && !folders.contains(folder))
            folders.append(folder);
    }
    return folders;
}

void releaseJobInputs(const wan::Request& gone, const QList<RenderJob>& remaining, const QString& root)
{
    const QStringList folders = stagedInputFolders(gone, root);
    for (const QString& folder : folders) {
        bool used = false;
        for (const RenderJob& job : remaining)
            used = used || stagedInputFolders(job.request, root).contains(folder);
        if (used)
            continue;
        if (!QDir(folder).removeRecursively())
            spdlog::warn("could not remove the staged input folder {}", folder.toStdString());
    }
}

} // namespace wan::ui
