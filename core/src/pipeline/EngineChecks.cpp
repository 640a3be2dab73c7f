// The engine's request checks: validation, the model set's inspection and type, before anything is loaded;
// the job's device and precision.
#include "pipeline/EngineImpl.h"

#include "pipeline/DeviceInfo.h"
#include "wan/Devices.h"

namespace wan {

namespace {

std::string withArticle(const std::string& type)
{
    return (type.front() == 'i' || type.front() == 'f' ? "an " : "a ") + type;
}

std::string taskFolderType(Task task)
{
    switch (task) {
    case Task::I2V:
        return "i2v";
    case Task::FLF2V:
        return "flf2v";
    case Task::VACE:
        return "vace";
    case Task::T2V:
    case Task::T2I:
        break;
    }
    return "t2v";
}

} // namespace

namespace pipeline {

torch::Dtype ditDtype(Precision precision, const torch::Device& device)
{
    switch (precision) {
    case Precision::Float32:
        return torch::kFloat32;
    case Precision::BFloat16:
        return torch::kBFloat16;
    case Precision::Float16:
        if (device.is_cpu())
            throw Error(
                ErrorKind::InvalidArgument,
                "fp16 needs a CUDA device (LibTorch has no fp16 CPU kernels): use fp32 or bf16 on the CPU");
        return torch::kFloat16;
    case Precision::Auto:
        break;
    }
    return device.is_cpu() ? torch::kFloat32 : torch::kBFloat16;
}

std::string dtypeName(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kFloat32:
        return "fp32";
    case torch::kBFloat16:
        return "bf16";
    case torch::kFloat16:
        return "fp16";
    default:
        return "other";
    }
}

} // namespace pipeline

using pipeline::ditDtype;

void Engine::Impl::setUp(const Request& r, const Callbacks& cb)
{
    callbacks = &cb;
    resolveDevice(r);
    if (device.is_cuda()) {
        // fp32 jobs are the parity runs: no TF32 anywhere. Otherwise LibTorch's defaults, as the official
        // script (TF32 convolutions, full-precision matmuls).
        at::globalContext().setAllowTF32CuDNN(dtype != torch::kFloat32);
        at::globalContext().setAllowTF32CuBLAS(false);
    }
}

void Engine::Impl::resolveDevice(const Request& r)
{
    device = pipeline::parseDevice(r.device); // "auto" resolved, absent devices refused
    dtype = ditDtype(resolvePrecision(r.precision, device.str()), device);
    fastBf16 = pipeline::deviceHasFastBf16(device);
}

ModelInfo Engine::Impl::checkRequest(const Request& r) const
{
    validate(r);
    if (r.ckptDir.empty() && r.models.empty())
        throw Error(ErrorKind::InvalidArgument, "no model folder given", "ckpt_dir");
    // Validates every file of the set (names, shapes, dtypes) before anything is loaded.
    ModelInfo info = inspectModelSet(r.ckptDir, r.models);
    const std::string folderType = modelTypeName(info.modelType);
    const std::string setName = r.models.dit.empty() ? "the model folder '" + r.ckptDir.string() + "'"
                                                     : "the DiT '" + r.models.dit.string() + "'";
    if (folderType != taskFolderType(r.task))
        throw Error(ErrorKind::InvalidArgument, setName + " holds " + withArticle(folderType) +
                                                    " model, but task " + toString(r.task) + " needs " +
                                                    withArticle(taskFolderType(r.task)) + " model folder");
    return info;
}

} // namespace wan
