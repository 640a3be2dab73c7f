#include "ModelSetAdapters.h"

#include "wan/Error.h"
#include "wan/ModelFolder.h"

namespace wan::ui {

namespace {

ModelPartCheck partCheck(const wan::FileInfo& file)
{
    ModelPartCheck part;
    part.path = QString::fromStdString(file.path.string());
    part.format = QString::fromStdString(file.format);
    part.dtype = QString::fromStdString(file.dtype);
    part.sizeBytes = file.sizeBytes;
    return part;
}

} // namespace

FolderCheck inspectModelSetChecked(const QString& dir, const wan::ModelFiles& files)
{
    FolderCheck check;
    const std::filesystem::path folder = dir.toStdString();
    try {
        const wan::ModelInfo info = wan::inspectModelSet(folder, files);
        check.ok = true;
        check.modelType = info.modelType;
        check.large = info.dit.dim >= 4096 || info.dit.numLayers >= 40;
        check.summary = QString::fromStdString(wan::modelInfoToText(info));
        for (const std::string& task : wan::folderTasks(info))
            check.tasks.append(QString::fromStdString(task));
        if (!info.dit.files.empty()) {
            check.dit = partCheck(info.dit.files.front());
            for (std::size_t i = 1; i < info.dit.files.size(); ++i) // shards of an official folder
                check.dit.sizeBytes += info.dit.files[i].sizeBytes;
        }
        check.t5 = partCheck(info.t5.file);
        check.vae = partCheck(info.vae.file);
        if (info.clip)
            check.clip = partCheck(info.clip->file);
        check.tokenizer.path = QString::fromStdString(info.tokenizerModel.string());
        // The built-in demo is a whole folder: a file in its place makes it another model.
        if (files.empty() && !dir.isEmpty())
            check.demo = wan::readDemoModelInfo(folder);
        return check;
    } catch (const wan::Error& error) {
        check.problem = QString::fromStdString(error.what());
    } catch (const std::exception& error) {
        check.problem = QString::fromStdString(error.what());
    }
    try {
        for (const std::string& problem : wan::modelSetProblems(folder, files))
            check.problems.append(QString::fromStdString(problem));
    } catch (const std::exception& error) {
        check.problems.append(QString::fromStdString(error.what()));
    }
    if (check.problems.isEmpty())
        check.problems.append(check.problem);
    return check;
}

ModelFileCheck identifyModelFileChecked(const QString& path)
{
    const wan::ModelFileIdentity identity = wan::identifyModelFile(path.toStdString());
    ModelFileCheck check;
    check.role = identity.role;
    check.usable = identity.usable;
    check.description = QString::fromStdString(identity.reason);
    return check;
}

} // namespace wan::ui
