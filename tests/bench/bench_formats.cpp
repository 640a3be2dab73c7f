// Single-file DiT formats: load time and peak resident memory of a random DiT with the real Wan2.1 1.3B dims
// (dim 1536, ffn 8960, 30 blocks) stored as a ComfyUI bf16 file, a ComfyUI fp8_scaled file, a GGUF Q8_0 and a
// GGUF Q4_K, each loaded by the engine (dit::WanModel::loadFile, fp32 compute on the CPU: fp8 and GGUF
// weights stay quantised, bf16 stays bf16) in a fresh process.
//   bench_formats DIR [--layers 30] [--keep] [--reuse]   (--reuse: load files kept by an earlier --keep run)
#include "BenchCommon.h"
#include "dit/WanModel.h"
#include "io/RawGguf.h"
#include "io/TensorIo.h"
#include "support/FormatConverter.h"
#include "support/GgufWriter.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Format
{
    const char* name;
    const char* file;
};

constexpr Format kFormats[] = {
    {"ComfyUI bf16", "dit_bf16.safetensors"},
    {"ComfyUI fp8_scaled", "dit_fp8_scaled.safetensors"},
    {"GGUF Q8_0", "dit_q8_0.gguf"},
    {"GGUF Q4_K", "dit_q4_k.gguf"},
};

void writeFile(const fs::path& file, const std::string& bytes)
{
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        if (!out)
            throw std::runtime_error("cannot write " + file.string());
    }
    // On disk and out of the page cache, so that every load reads the disk as a first run does.
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fdatasync(fd);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

// Q4_K blocks (144 bytes per 256 values: fp16 d and dmin, 12 bytes of 6-bit scales and mins, 128 bytes of
// 4-bit values) of plausible magnitude: d and dmin small, the rest random. Load time and memory do not
// depend on the values; the dequantised weights stay finite.
std::string randomQ4K(std::int64_t values, std::uint64_t& state)
{
    const std::int64_t blocks = values / 256;
    std::string out(std::size_t(blocks) * 144, '\0');
    const std::uint16_t d = wan::test::floatToHalf(1e-3f);
    const std::uint16_t dmin = wan::test::floatToHalf(5e-4f);
    for (std::int64_t b = 0; b < blocks; ++b) {
        char* block = out.data() + b * 144;
        std::memcpy(block, &d, 2);
        std::memcpy(block + 2, &dmin, 2);
        for (int i = 4; i < 144; i += 8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            std::memcpy(block + i, &state, std::min(8, 144 - i));
        }
    }
    return out;
}

// GGUF of the DiT as city96's converter lays it out: 2-D weights as `type` (Q8_0 for rows of a multiple of
// 32, Q4_K of 256), the rest F32; 5-D kernels stored with their size-1 dimensions dropped and their real
// shape in "comfy.gguf.orig_shape.<name>".
std::string toGgufBench(const wan::io::TensorMap& weights, wan::io::GgmlType type)
{
    using W = wan::test::GgufWriter;
    W w;
    w.kvString("general.architecture", "wan");
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    const std::int64_t block = type == wan::io::GgmlType::Q4_K ? 256 : 32;
    for (const auto& [name, tensor] : weights) {
        auto t = tensor.to(torch::kFloat32).contiguous();
        if (t.dim() > 4) {
            std::string dims;
            for (auto d : t.sizes())
                dims += W::pod(std::int32_t(d));
            w.kv("comfy.gguf.orig_shape." + name, 9, W::array(5, std::uint64_t(t.dim()), dims));
            std::vector<std::int64_t> kept;
            for (auto d : t.sizes())
                if (d != 1)
                    kept.push_back(d);
            t = t.reshape(kept);
        }
        const auto shape = t.sizes().vec();
        if (t.dim() == 2 && shape.back() % block == 0) {
            w.tensor(name, std::uint32_t(type), shape,
                     type == wan::io::GgmlType::Q4_K
                         ? randomQ4K(t.numel(), state)
                         : wan::test::quantizeQ8_0(t.data_ptr<float>(), std::size_t(t.numel())));
        } else {
            const auto* p = static_cast<const char*>(t.data_ptr());
            w.tensor(name, std::uint32_t(wan::io::GgmlType::F32), shape,
                     std::string(p, p + t.numel() * t.element_size()));
        }
    }
    return w.bytes();
}

struct Measured
{
    double seconds = 0.0;
    double peakMiB = 0.0;
    bool ok = false;
};

// The child's side: load `file` and print the seconds it took.
int loadOne(const fs::path& file)
{
    try {
        const auto start = std::chrono::steady_clock::now();
        auto model = wan::dit::WanModel::loadFile(file, {}, torch::kFloat32, torch::kCPU);
        const double seconds = wan::bench::secondsSince(start);
        // VmHWM of this process image (ru_maxrss would carry the forking parent's peak across exec).
        double hwmMiB = 0.0;
        std::ifstream status("/proc/self/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmHWM:", 0) == 0)
                hwmMiB = std::stod(line.substr(6)) / 1024.0;
        std::printf("%.3f %.1f\n", seconds, hwmMiB);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", file.c_str(), e.what());
        return 1;
    }
}

// Loads `file` in a fresh process (this program again, with --load-one: a fork of a process whose torch
// thread pool is running would deadlock); it reports its own peak resident memory.
Measured measure(const char* self, const fs::path& file)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execl(self, self, "--load-one", file.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string out;
    char buf[256];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        out.append(buf, std::size_t(n));
    ::close(fds[0]);
    int status = 0;
    struct rusage usage
    {
    };
    ::wait4(pid, &status, 0, &usage);
    Measured m;
    m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && !out.empty();
    // The last line is the seconds (the loader may log to stdout before it).
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    const auto lastLine =
        out.substr(out.find_last_of('\n') == std::string::npos ? 0 : out.find_last_of('\n') + 1);
    try {
        std::size_t used = 0;
        m.seconds = std::stod(lastLine, &used);
        m.peakMiB = std::stod(lastLine.substr(used));
    } catch (const std::exception&) {
        m.ok = false;
    }
    return m;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && std::string(argv[1]) == "--load-one") {
        at::set_num_threads(wan::bench::threadCount(0));
        return loadOne(argv[2]);
    }
    fs::path dir;
    int layers = 30;
    bool keep = false, reuse = false;
    auto usage = [] {
        std::puts(
            "usage: bench_formats DIR [--layers 30] [--keep] [--reuse]\n"
            "  writes a random Wan2.1 1.3B-dims DiT as ComfyUI bf16 / fp8_scaled and GGUF Q8_0 / Q4_K into\n"
            "  DIR (about 5.6 GB for 30 layers), then loads each in a fresh process: seconds and peak RSS");
    };
    wan::bench::ArgParser args(usage);
    args.option("--layers", layers);
    args.flag("--keep", keep);
    args.flag("--reuse", reuse);
    if (argc < 2 || std::string(argv[1]).rfind("--", 0) == 0) {
        usage();
        return 2;
    }
    dir = argv[1];
    args.parse(argc - 1, argv + 1); // DIR takes the program name's place
    fs::create_directories(dir);
    at::set_num_threads(wan::bench::threadCount(0));

    if (!reuse) {
        wan::dit::WanConfig config;
        config.dim = 1536;
        config.ffnDim = 8960;
        config.numHeads = 12;
        config.numLayers = layers;
        torch::manual_seed(0);
        wan::io::TensorMap weights;
        {
            wan::dit::WanModel model(config);
            wan::bench::randomFillDit(model, double(config.dim));
            for (const auto& p : model.named_parameters())
                weights.emplace(p.key(), p.value().detach());
        }
        std::uint64_t parameters = 0;
        for (const auto& [name, t] : weights)
            parameters += std::uint64_t(t.numel());
        spdlog::info("random DiT: {} blocks, {:.3f} B parameters", layers, double(parameters) / 1e9);
        for (const auto& format : kFormats) {
            const auto start = std::chrono::steady_clock::now();
            const std::string name = format.name;
            std::string bytes;
            if (name == "ComfyUI bf16")
                bytes = wan::test::toSafetensors(weights, "model.diffusion_model.",
                                                 wan::test::ConvertedStorage::Bf16);
            else if (name == "ComfyUI fp8_scaled")
                bytes = wan::test::toSafetensors(weights, "model.diffusion_model.",
                                                 wan::test::ConvertedStorage::Fp8Scaled);
            else if (name == "GGUF Q8_0")
                bytes = toGgufBench(weights, wan::io::GgmlType::Q8_0);
            else
                bytes = toGgufBench(weights, wan::io::GgmlType::Q4_K);
            writeFile(dir / format.file, bytes);
            spdlog::info("{}: {} written ({:.2f} GB) in {:.1f} s", format.name, format.file,
                         double(bytes.size()) / 1e9, wan::bench::secondsSince(start));
        }
    }

    std::printf("\n| format | file | load s | peak RSS MiB |\n|---|---|---|---|\n");
    for (const auto& format : kFormats) {
        const fs::path file = dir / format.file;
        if (!fs::exists(file)) {
            std::printf("| %s | missing (run without --reuse) | | |\n", format.name);
            continue;
        }
        const auto m = measure("/proc/self/exe", file);
        std::printf("| %s | %.2f GB | %s | %.0f |\n", format.name, double(fs::file_size(file)) / 1e9,
                    m.ok ? std::to_string(m.seconds).substr(0, 5).c_str() : "failed", m.peakMiB);
        std::fflush(stdout);
    }
    if (!keep && !reuse)
        for (const auto& format : kFormats)
            fs::remove(dir / format.file);
    return 0;
}
