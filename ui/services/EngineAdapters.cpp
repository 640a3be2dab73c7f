#include "EngineAdapters.h"

#include "wan/ModelFolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace wan::ui {

namespace {

class EngineJobRunner final : public JobRunner
{
public:
    wan::Result run(const wan::Request& request, const wan::Callbacks& callbacks) override
    {
        return m_engine.run(request, callbacks);
    }
    wan::Result decodeLatents(const wan::Request& request, const std::filesystem::path& latents,
                              const wan::Callbacks& callbacks) override
    {
        return m_engine.decodeLatents(request, latents, callbacks);
    }
    // Engine::unload() also empties LibTorch's CUDA cache: freed tensors alone stay reserved by the caching
    // allocator, so other programs would not get the VRAM back.
    void releaseModels() override { m_engine.unload(); }

private:
    wan::Engine m_engine;
};

// Every file of an official folder that is absent, so the user sees the whole list at once (the engine stops
// at the first problem).
QStringList missingOfficialFiles(const QString& dir)
{
    const QDir folder(dir);
    QStringList missing;
    const auto need = [&](const QString& name) {
        if (!QFileInfo(folder.filePath(name)).isFile())
            missing.append(name);
    };
    need(QStringLiteral("config.json"));
    if (!QFileInfo(folder.filePath(QStringLiteral("diffusion_pytorch_model.safetensors.index.json")))
             .isFile())
        need(QStringLiteral("diffusion_pytorch_model.safetensors"));
    need(QStringLiteral("models_t5_umt5-xxl-enc-bf16.pth"));
    need(QStringLiteral("Wan2.1_VAE.pth"));
    need(QStringLiteral("google/umt5-xxl/spiece.model"));
    QFile config(folder.filePath(QStringLiteral("config.json")));
    if (config.open(QIODevice::ReadOnly) &&
        QJsonDocument::fromJson(config.readAll()).object().value(QLatin1String("model_type")).toString() ==
            QLatin1String("i2v"))
        need(QStringLiteral("models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth"));
    return missing;
}

} // namespace

JobRunnerFactory engineRunnerFactory()
{
    return [] { return std::make_unique<EngineJobRunner>(); };
}

FolderCheck inspectModelFolderChecked(const QString& dir)
{
    FolderCheck check;
    try {
        const wan::ModelInfo info = wan::inspectModelFolder(dir.toStdString());
        check.ok = true;
        check.modelType = info.modelType;
        check.large = info.dit.dim >= 4096 || info.dit.numLayers >= 40;
        check.summary = QString::fromStdString(wan::modelInfoToText(info));
        check.demo = wan::readDemoModelInfo(dir.toStdString());
    } catch (const wan::Error& error) {
        check.problem = QString::fromStdString(error.what());
        check.missing = missingOfficialFiles(dir);
    } catch (const std::exception& error) {
        check.problem = QString::fromStdString(error.what());
    }
    return check;
}

QString officialNegativePrompt(wan::Task task)
{
    return QString::fromStdString(wan::defaultNegativePrompt(task));
}

} // namespace wan::ui
