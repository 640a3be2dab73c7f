#include "ExportFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace wan::ui {

bool exportFile(const QString& source, const QString& target, QString* error)
{
    auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QFileInfo from(source), to(target);
    if (to.exists() && from.canonicalFilePath() == to.canonicalFilePath())
        return fail(QCoreApplication::translate("ExportFile", "%1 is the job's own file: choose another name or "
                                                              "folder.")
                        .arg(QDir::toNativeSeparators(target)));
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return fail(QCoreApplication::translate("ExportFile", "Could not read %1: %2.")
                        .arg(QDir::toNativeSeparators(source), in.errorString()));
    QSaveFile out(target); // a temporary file next to the target, renamed over it by commit()
    if (!out.open(QIODevice::WriteOnly))
        return fail(QCoreApplication::translate("ExportFile", "Could not write %1: %2.")
                        .arg(QDir::toNativeSeparators(target), out.errorString()));
    while (!in.atEnd()) {
        const QByteArray chunk = in.read(4 << 20);
        if (chunk.isEmpty() && in.error() != QFileDevice::NoError)
            break;
        if (out.write(chunk) != chunk.size())
            break;
    }
    if (in.error() != QFileDevice::NoError || !out.commit()) {
        out.cancelWriting();
        return fail(QCoreApplication::translate("ExportFile", "Could not write %1: %2.")
                        .arg(QDir::toNativeSeparators(target),
                             in.error() != QFileDevice::NoError ? in.errorString() : out.errorString()));
    }
    return true;
}

} // namespace wan::ui
