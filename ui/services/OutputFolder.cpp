#include "OutputFolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryFile>

namespace wan::ui {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("OutputFolder", text);
}
} // namespace

QString outputFolderProblem(const QString& dir)
{
    if (dir.trimmed().isEmpty())
        return tr("No output folder is set: choose one in Settings.");
    const QString folder = QDir::cleanPath(QFileInfo(dir.trimmed()).absoluteFilePath());
    const QString shown = QDir::toNativeSeparators(folder);
    QString existing = folder;
    while (!QFileInfo::exists(existing)) {
        const QString parent = QFileInfo(existing).absolutePath();
        if (parent == existing)
            break;
        existing = parent;
    }
    const QFileInfo found(existing);
    if (existing == folder && !found.isDir())
        return tr("The output folder %1 is a file, not a folder: choose another output folder in Settings.")
            .arg(shown);
    if (!found.isDir())
        return tr("The output folder %1 cannot be created: %2 is a file. Choose another output folder in "
                  "Settings.")
            .arg(shown, QDir::toNativeSeparators(existing));
    // Permission bits do not tell everything (ACLs, read-only mounts): try it.
    QTemporaryFile probe(QDir(existing).filePath(QStringLiteral(".wan-studio-write-test-XXXXXX")));
    if (probe.open())
        return {};
    if (existing == folder)
        return tr("The output folder %1 is not writable: choose another output folder in Settings, or allow "
                  "writing to it.")
            .arg(shown);
    return tr("The output folder %1 cannot be created: %2 is not writable. Choose another output folder in "
              "Settings.")
        .arg(shown, QDir::toNativeSeparators(existing));
}

} // namespace wan::ui
