#include "JobVariations.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

namespace wan::ui {

wan::Request variationBaseOf(const RenderJob& job)
{
    wan::Request base = job.request;
    if (base.seed < 0 && job.state == JobState::Done && !job.folder.isEmpty()) {
        QFile file(QDir(job.folder).filePath(QStringLiteral("settings.json")));
        wan::Request used;
        if (file.open(QIODevice::ReadOnly) &&
            requestFromJson(QJsonDocument::fromJson(file.readAll()).object(), &used) && used.seed >= 0)
            base.seed = used.seed;
    }
    base.outputPath.clear();
    base.latentsPath.clear();
    base.resumeStatePath.clear();
    return base;
}

} // namespace wan::ui
