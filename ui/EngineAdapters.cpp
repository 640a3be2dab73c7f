#include "EngineAdapters.h"

#include "wan/ModelFolder.h"

#include <QDir>
#include <QRegularExpression>

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
    } catch (const wan::Error& error) {
        check.problem = QString::fromStdString(error.what());
        // The engine names missing files in its message; pick out the official file names for a list.
        static const QRegularExpression fileName(
            QStringLiteral(R"(([\w.\-]+\.(?:safetensors|pth|json|model)|google/umt5-xxl(?:/[\w.\-]+)?))"));
        auto it = fileName.globalMatch(check.problem);
        while (it.hasNext()) {
            const QString name = it.next().captured(1);
            if (!check.missing.contains(name))
                check.missing.append(name);
        }
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
