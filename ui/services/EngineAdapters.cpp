#include "EngineAdapters.h"

#include "ErrorText.h"

#include "wan/ModelFolder.h"

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
        // Every absent file at once (the engine stops at the first problem).
        for (const auto& name : wan::missingOfficialFiles(dir.toStdString()))
            check.missing.append(QString::fromStdString(name));
    } catch (const std::exception& error) {
        check.problem = QString::fromStdString(error.what());
    }
    return check;
}

MemoryPlanCheck planMemoryChecked(const wan::Request& request)
{
    MemoryPlanCheck check;
    try {
        wan::Engine engine;
        check.plan = engine.planMemoryDetails(request);
        check.ok = true;
    } catch (const wan::Error& error) {
        check.error = userErrorMessage(error);
    } catch (const std::exception& error) {
        check.error = QString::fromStdString(error.what());
    }
    return check;
}

QString officialNegativePrompt(wan::Task task)
{
    return QString::fromStdString(wan::defaultNegativePrompt(task));
}

} // namespace wan::ui
