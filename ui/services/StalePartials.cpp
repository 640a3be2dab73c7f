#include "StalePartials.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <spdlog/spdlog.h>

namespace wan::ui {

int removeStalePartialFiles(const QString& folder, const QDateTime& startedAt)
{
    // Exactly PartialFile's names: six lower-case letters or digits after ".partial-", then the extension.
    static const QRegularExpression kPartialName(QStringLiteral("^.+\\.partial-[a-z0-9]{6}(\\.[A-Za-z0-9]+)?$"));
    int removed = 0;
    const QDir root(folder);
    QStringList folders{root.absolutePath()};
    for (const QFileInfo& sub : root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks))
        folders.append(sub.absoluteFilePath());
    for (const QString& dir : folders) {
        for (const QFileInfo& file : QDir(dir).entryInfoList(QDir::Files | QDir::Hidden | QDir::NoSymLinks)) {
            if (!kPartialName.match(file.fileName()).hasMatch() || file.lastModified() >= startedAt)
                continue;
            if (QFile::remove(file.absoluteFilePath())) {
                ++removed;
                spdlog::info("removed {} left by an interrupted run", file.absoluteFilePath().toStdString());
            }
        }
    }
    return removed;
}

} // namespace wan::ui
