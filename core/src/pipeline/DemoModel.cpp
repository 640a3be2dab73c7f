// The built-in demo model's description (demo.json) and where the installed one lives (wan/Request.h).
#include "wan/Request.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace wan {

namespace {

namespace fs = std::filesystem;

bool holdsDemoInfo(const fs::path& folder)
{
    std::error_code ec;
    return !folder.empty() && fs::is_regular_file(folder / kDemoInfoFile, ec);
}

} // namespace

std::optional<DemoModelInfo> readDemoModelInfo(const fs::path& folder)
{
    const fs::path file = folder / kDemoInfoFile;
    std::error_code ec;
    if (!fs::exists(file, ec))
        return std::nullopt;
    const std::string fix = " Reinstall Wan Studio, or export the demo model again with wan-train.";
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
        throw Error(ErrorKind::Io, "Cannot read " + file.string() + "." + fix);
    DemoModelInfo info;
    try {
        const auto json = nlohmann::json::parse(text.str());
        info.width = json.at("width").get<int>();
        info.height = json.at("height").get<int>();
        info.frameNum = json.at("frame_num").get<int>();
        info.steps = json.at("sample_steps").get<int>();
        info.shift = json.at("sample_shift").get<double>();
        info.guideScale = json.at("sample_guide_scale").get<double>();
        if (json.contains("example_prompts"))
            info.examplePrompts = json.at("example_prompts").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::ModelFolder,
                    file.string() + " is not a valid demo model description (" + e.what() + ")." + fix);
    }
    const bool sizeOk = info.width >= kSizeMultiple && info.height >= kSizeMultiple &&
                        info.width % kSizeMultiple == 0 && info.height % kSizeMultiple == 0 &&
                        info.width <= 4096 && info.height <= 4096;
    const bool framesOk = info.frameNum >= 1 && info.frameNum <= kMaxFrames && (info.frameNum - 1) % 4 == 0;
    const bool samplingOk =
        info.steps >= 1 && info.steps <= 1000 && info.shift > 0.0 && info.guideScale >= 0.0;
    if (!sizeOk || !framesOk || !samplingOk)
        throw Error(ErrorKind::ModelFolder,
                    file.string() + " describes impossible settings (size " + std::to_string(info.width) +
                        "*" + std::to_string(info.height) + ", " + std::to_string(info.frameNum) +
                        " frames, " + std::to_string(info.steps) + " steps)." + fix);
    return info;
}

std::string demoModelInfoJson(const DemoModelInfo& info)
{
    nlohmann::ordered_json json;
    json["width"] = info.width;
    json["height"] = info.height;
    json["frame_num"] = info.frameNum;
    json["sample_steps"] = info.steps;
    json["sample_shift"] = info.shift;
    json["sample_guide_scale"] = info.guideScale;
    json["example_prompts"] = info.examplePrompts;
    return json.dump(2) + "\n";
}

fs::path builtInDemoFolder()
{
    if (const char* env = std::getenv("WAN_DEMO_MODEL_DIR"); env && *env)
        return holdsDemoInfo(env) ? fs::path(env) : fs::path();
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "wan-studio" / "demo-model";
        if (holdsDemoInfo(installed))
            return installed;
    }
#ifdef WAN_SOURCE_DEMO_MODEL_DIR
    if (holdsDemoInfo(WAN_SOURCE_DEMO_MODEL_DIR))
        return fs::path(WAN_SOURCE_DEMO_MODEL_DIR);
#endif
    return {};
}

void applyDemoModel(Request& request, const DemoModelInfo& info)
{
    request.task = Task::T2V;
    request.width = info.width;
    request.height = info.height;
    request.frameNum = info.frameNum;
    request.steps = info.steps;
    request.shift = info.shift;
    request.guideScale = info.guideScale;
    request.image.clear();
    request.firstFrame.clear();
    request.lastFrame.clear();
    request.srcVideo.clear();
    request.srcMask.clear();
    request.srcRefImages.clear();
    request.samplerMode = SamplerMode::Full;
}

} // namespace wan
