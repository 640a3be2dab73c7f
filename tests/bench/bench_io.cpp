// Checkpoint loading benchmark: writes a random safetensors file (F32) and a torch.save-style .pth (BF16,
// stored zip records 64-byte aligned) of about SIZE GiB into DIR, then loads each with the engine's loaders
// in a fresh process, touches every byte and reports throughput and peak RSS.
//   bench_io DIR [--size-gb 2] [--keep] [--reuse]   (--reuse: load files kept by an earlier --keep run)
#include "BenchCommon.h"
#include "io/TensorIo.h"
#include "support/CheckpointWriter.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kTensorBytes = 64ull << 20;
constexpr std::size_t kChunkBytes = 16u << 20;

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Random words masked into finite values of magnitude [0.5, 1) for the given element width.
void fillRandom(std::vector<std::uint64_t>& buf, std::uint64_t& state, bool bf16)
{
    const std::uint64_t keep = bf16 ? 0x807F807F807F807Full : 0x807FFFFF807FFFFFull;
    const std::uint64_t set = bf16 ? 0x3F003F003F003F00ull : 0x3F0000003F000000ull;
    for (auto& w : buf) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        w = (state & keep) | set;
    }
}

// Writes the file, flushes it to disk and drops it from the page cache so that the first load reads the disk.
void dropFromCache(const fs::path& file)
{
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fdatasync(fd);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

void writeSafetensors(const fs::path& file, int tensors)
{
    std::vector<wan::test::SafetensorsSpec> specs;
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
    for (int i = 0; i < tensors; ++i) {
        const std::uint64_t b = i * kTensorBytes, e = b + kTensorBytes;
        header += ",\"t." + std::to_string(i) +
                  "\":{\"dtype\":\"F32\",\"shape\":[4096,4096],\"data_offsets\":[" + std::to_string(b) + "," +
                  std::to_string(e) + "]}";
    }
    header += "}";
    header.append((8 - header.size() % 8) % 8, ' ');
    std::ofstream out(file, std::ios::binary);
    std::uint64_t len = header.size();
    out.write(reinterpret_cast<const char*>(&len), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    std::vector<std::uint64_t> buf(kChunkBytes / 8);
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (std::uint64_t written = 0; written < tensors * kTensorBytes; written += kChunkBytes) {
        fillRandom(buf, state, false);
        out.write(reinterpret_cast<const char*>(buf.data()), kChunkBytes);
    }
    out.close();
    dropFromCache(file);
}

void writePth(const fs::path& file, int tensors)
{
    std::vector<wan::test::PthTensorSpec> specs;
    for (int i = 0; i < tensors; ++i)
        specs.push_back(
            {"t." + std::to_string(i), "BFloat16Storage", std::to_string(i), {8192, 4096}, {}, 0, -1});
    std::ofstream out(file, std::ios::binary);
    wan::test::ZipWriter zip(out);
    zip.addRecord("bench/data.pkl", wan::test::stateDictPickle(specs));
    std::vector<std::uint64_t> buf(kChunkBytes / 8);
    std::uint64_t state = 0xD1B54A32D192ED03ull;
    for (int i = 0; i < tensors; ++i) {
        zip.beginRecord("bench/data/" + std::to_string(i), kTensorBytes);
        for (std::uint64_t w = 0; w < kTensorBytes; w += kChunkBytes) {
            fillRandom(buf, state, true);
            zip.write(buf.data(), kChunkBytes);
        }
        zip.endRecord();
    }
    zip.addRecord("bench/version", "3\n");
    zip.finish();
    out.close();
    dropFromCache(file);
}

long rssAnonKb()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("RssAnon:", 0) == 0)
            return std::stol(line.substr(8));
    return -1;
}

// One load + touch pass; prints a result line.
void measure(const fs::path& file, bool pth, const char* label)
{
    const double t0 = now();
    const auto tensors = pth ? wan::io::loadPth(file) : wan::io::loadSafetensors(file);
    const double t1 = now();
    std::uint64_t sum = 0, bytes = 0;
    for (const auto& [name, t] : tensors) {
        const auto* p = static_cast<const std::uint64_t*>(t.data_ptr());
        const std::size_t n = t.nbytes() / 8;
        for (std::size_t i = 0; i < n; ++i)
            sum += p[i];
        bytes += t.nbytes();
    }
    const double t2 = now();
    const double peakMiB = wan::bench::peakRssMiB();
    const double size = static_cast<double>(fs::file_size(file));
    const double gib = 1024.0 * 1024.0 * 1024.0;
    std::printf(
        "%-12s %-5s %8.2f GiB  load %8.1f ms  touch %7.2f s  %6.2f GB/s  peak RSS %6.0f MiB (%.2fx file)  "
        "RssAnon %5ld MiB  [sum %016llx, %zu tensors]\n",
        pth ? "pth/bf16" : "safetensors", label, size / gib, (t1 - t0) * 1e3, t2 - t1,
        bytes / (t2 - t0) / 1e9, peakMiB, peakMiB * 1024.0 * 1024.0 / size, rssAnonKb() / 1024,
        static_cast<unsigned long long>(sum), tensors.size());
    std::fflush(stdout);
}

// Each format in its own process, so that ru_maxrss is that format's peak alone.
int runChild(const fs::path& file, bool pth)
{
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid == 0) {
        try {
            measure(file, pth, "cold");
            measure(file, pth, "warm");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: %s\n", file.c_str(), e.what());
            std::_Exit(1);
        }
        std::_Exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR [--size-gb 2] [--keep]\n", argv[0]);
        return 2;
    }
    const fs::path dir = argv[1];
    double sizeGb = 2.0;
    bool keep = false, reuse = false;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--size-gb") == 0 && i + 1 < argc)
            sizeGb = std::stod(argv[++i]);
        else if (std::strcmp(argv[i], "--keep") == 0)
            keep = true;
        else if (std::strcmp(argv[i], "--reuse") == 0)
            reuse = keep = true;
    }
    const int tensors = std::max(1, static_cast<int>(sizeGb * (1ull << 30) / kTensorBytes + 0.5));
    fs::create_directories(dir);
    const fs::path st = dir / "bench_io.safetensors";
    const fs::path pth = dir / "bench_io.pth";

    if (reuse && fs::exists(st) && fs::exists(pth)) {
        dropFromCache(st);
        dropFromCache(pth);
    } else {
        double t0 = now();
        writeSafetensors(st, tensors);
        std::printf("wrote %s (%.2f GiB) in %.1f s\n", st.c_str(), fs::file_size(st) / double(1ull << 30),
                    now() - t0);
        t0 = now();
        writePth(pth, tensors);
        std::printf("wrote %s (%.2f GiB) in %.1f s\n", pth.c_str(), fs::file_size(pth) / double(1ull << 30),
                    now() - t0);
    }

    int rc = runChild(st, false);
    rc |= runChild(pth, true);
    if (!keep) {
        fs::remove(st);
        fs::remove(pth);
    }
    return rc;
}
