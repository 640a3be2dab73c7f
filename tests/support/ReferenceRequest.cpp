#include "support/ReferenceRequest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <stdexcept>

namespace wan::test {

namespace fs = std::filesystem;

QJsonObject readReferenceCase(const fs::path& fixtureDir, const std::string& name)
{
    QFile file(QString::fromStdString((fixtureDir / "reference" / ("e2e_" + name + ".json")).string()));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

Request referenceRequest(const fs::path& fixtureDir, const QJsonObject& p, const fs::path& work)
{
    const auto text = [&](const char* key) { return p.value(QLatin1String(key)).toString().toStdString(); };
    const auto ref = fixtureDir / "reference";
    Request r;
    r.ckptDir = fixtureDir;
    r.prompt = text("prompt");
    r.negativePrompt = text("n_prompt_argument");
    r.seed = p.value(QStringLiteral("seed")).toInteger();
    r.frameNum = p.value(QStringLiteral("frame_num")).toInt();
    r.steps = p.value(QStringLiteral("sampling_steps")).toInt();
    r.shift = p.value(QStringLiteral("shift")).toDouble();
    r.guideScale = p.value(QStringLiteral("guide_scale")).toDouble();
    r.solver = text("sample_solver") == "dpm++" ? Solver::DpmPP : Solver::UniPC;
    r.device = "cpu";
    r.precision = Precision::Float32;
    const auto task = text("task");
    if (task == "i2v" || task == "flf2v") {
        r.task = task == "i2v" ? Task::I2V : Task::FLF2V;
        r.width = int(p.value(QStringLiteral("max_area")).toInteger());
        r.height = 1;
        if (r.task == Task::I2V) {
            r.image = ref / text("image");
        } else {
            r.firstFrame = ref / text("first_frame");
            r.lastFrame = ref / text("last_frame");
        }
    } else if (task == "vace") {
        if (work.empty())
            throw std::invalid_argument("referenceRequest: a VACE case needs a work folder");
        r.task = Task::VACE;
        r.width = 0;
        r.height = 0;
        r.frameNum = 0;
        r.contextScale = p.value(QStringLiteral("context_scale")).toDouble();
        fs::create_directories(work / "src");
        fs::create_directories(work / "mask");
        for (const auto& v : p.value(QStringLiteral("src_frames")).toArray())
            fs::copy_file(ref / v.toString().toStdString(), work / "src" / v.toString().toStdString(),
                          fs::copy_options::overwrite_existing);
        for (const auto& v : p.value(QStringLiteral("mask_frames")).toArray())
            fs::copy_file(ref / v.toString().toStdString(), work / "mask" / v.toString().toStdString(),
                          fs::copy_options::overwrite_existing);
        r.srcVideo = work / "src";
        r.srcMask = work / "mask";
        for (const auto& v : p.value(QStringLiteral("ref_images")).toArray())
            r.srcRefImages.push_back(ref / v.toString().toStdString());
    } else {
        const auto size = p.value(QStringLiteral("size")).toArray();
        r.width = size.at(0).toInt();
        r.height = size.at(1).toInt();
        r.task = text("name").rfind("t2i", 0) == 0 ? Task::T2I : Task::T2V;
    }
    return r;
}

} // namespace wan::test
