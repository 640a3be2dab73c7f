// umT5 encoder CPU benchmark on randomly initialised weights with the real umT5-XXL dims (or smaller ones).
// The weights are written to a bf16 .safetensors file and loaded through the normal memory-mapped path, so
// the measured resident memory is what the pipeline pays. Reports wall times and peak RSS.
//
//   bench_t5                      # umT5-XXL: 24 layers, dim 4096, 64 heads, ffn 10240, vocab 256384 (~11.4
//   GB) bench_t5 --layers 2 --dim 512 --heads 8 --ffn 1280 --vocab 32000   # quick check
//   bench_t5 --gguf-q8             # the same weights as a llama.cpp T5 encoder GGUF in Q8_0 (~6.1 GB), as
//                                  # city96's umt5-xxl-encoder files: the blocks stay quantised in memory

#include "BenchCommon.h"
#include "io/RawGguf.h"
#include "io/TensorIo.h"
#include "pipeline/DeviceInfo.h"
#include "support/GgufWriter.h"
#include "text/T5Encoder.h"
#include "wan/Error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using wan::bench::secondsSince;
using wan::text::T5Config;

namespace {

struct Args
{
    T5Config config = T5Config::umt5Xxl();
    std::vector<std::int64_t> tokens = {60, 512};
    int threads = 0;
    int repeat = 1;
    fs::path file;
    bool keep = false;
    bool ggufQ8 = false;
    bool products = false; // --products: only the two forms of a float32 product, no encoder
    std::string device = "cpu";
    std::vector<std::string> compute = {"fp32"}; // math dtypes, each run on the same weights
};

void usage()
{
    std::cout
        << "usage: bench_t5 [--layers N] [--dim N] [--dim-attn N] [--heads N] [--ffn N] [--vocab N]\n"
           "                [--buckets N] [--tokens 60,512] [--repeat N] [--threads N] [--file PATH] "
           "[--keep] [--device cpu|cuda[:N]] [--gguf-q8]\n"
           "                [--compute fp32,bf16] [--products]\n"
           "Defaults are the umT5-XXL encoder dims. The random bf16 weights are written to --file\n"
           "(default: a temporary .safetensors, removed afterwards unless --keep; an existing file of\n"
           "the right size is reused) and memory-mapped like a real checkpoint. --gguf-q8 writes them\n"
           "as a llama.cpp T5 encoder GGUF instead: matrices in Q8_0, norms and biases in F32. --compute\n"
           "lists the dtypes of the math (default fp32 on the CPU); with two, the second's output is\n"
           "compared with the first's. --products times only the two forms of the float32 products at the\n"
           "encoder's shapes: x w^T (torch::linear) and w x^T (text::productWithWeight's form for short\n"
           "inputs), for 8 to 1024 rows.\n";
}

Args parseArgs(int argc, char** argv)
{
    Args a;
    bool dimAttnSet = false;
    const auto count = [](int& target) {
        return [&target](const std::string& v) { target = int(std::stoll(v)); };
    };
    wan::bench::ArgParser parser(usage);
    parser.onError([](wan::bench::ArgError error, const std::string& arg) {
        throw wan::Error(wan::ErrorKind::InvalidArgument, error == wan::bench::ArgError::MissingValue
                                                              ? arg + " needs a value"
                                                              : "unknown argument " + arg);
    });
    parser.option("--layers", a.config.numLayers);
    parser.option("--dim", a.config.dim);
    parser.option("--dim-attn", [&](const std::string& v) {
        a.config.dimAttn = std::stoll(v);
        dimAttnSet = true;
    });
    parser.option("--heads", a.config.numHeads);
    parser.option("--ffn", a.config.dimFfn);
    parser.option("--vocab", a.config.vocab);
    parser.option("--buckets", a.config.numBuckets);
    parser.option("--repeat", count(a.repeat));
    parser.option("--threads", count(a.threads));
    parser.option("--file", [&a](const std::string& v) { a.file = v; });
    parser.flag("--keep", a.keep);
    parser.flag("--gguf-q8", a.ggufQ8);
    parser.flag("--products", a.products);
    parser.option("--device", a.device);
    const auto split = [](const std::string& list) {
        std::vector<std::string> parts;
        for (std::size_t pos = 0; pos < list.size();) {
            const auto comma = list.find(',', pos);
            parts.push_back(list.substr(pos, comma - pos));
            pos = comma == std::string::npos ? list.size() : comma + 1;
        }
        return parts;
    };
    parser.option("--tokens", [&a, split](const std::string& list) {
        a.tokens.clear();
        for (const auto& part : split(list))
            a.tokens.push_back(std::stoll(part));
    });
    parser.option("--compute", [&a, split](const std::string& list) { a.compute = split(list); });
    parser.parse(argc, argv);
    if (!dimAttnSet)
        a.config.dimAttn = a.config.dim;
    if (a.config.numHeads < 1 || a.config.dimAttn % a.config.numHeads != 0)
        throw wan::Error(wan::ErrorKind::InvalidArgument, "--dim-attn must be a multiple of --heads");
    for (auto t : a.tokens)
        if (t < 1)
            throw wan::Error(wan::ErrorKind::InvalidArgument, "token counts must be positive");
    for (const auto& c : a.compute)
        if (c != "fp32" && c != "bf16")
            throw wan::Error(wan::ErrorKind::InvalidArgument, "--compute takes fp32 and/or bf16, not " + c);
    if (a.compute.empty())
        throw wan::Error(wan::ErrorKind::InvalidArgument, "--compute needs fp32, bf16 or both");
    return a;
}

double peakRssGb()
{
    return wan::bench::peakRssMiB() / 1024.0;
}

double currentRssGb()
{
    return wan::bench::currentRssMiB() / 1024.0;
}

struct Entry
{
    std::string name;
    std::vector<std::int64_t> shape;
    double stddev; // 0: ones (norm weights)
};

// Names and init scales of the official T5Encoder (init_weights), so activations stay in a realistic range.
std::vector<Entry> entriesFor(const T5Config& c)
{
    std::vector<Entry> e;
    const double d = double(c.dim);
    e.push_back({"token_embedding.weight", {c.vocab, c.dim}, 1.0});
    for (std::int64_t i = 0; i < c.numLayers; ++i) {
        const std::string p = "blocks." + std::to_string(i) + ".";
        e.push_back({p + "norm1.weight", {c.dim}, 0.0});
        e.push_back({p + "attn.q.weight", {c.dimAttn, c.dim}, 1.0 / std::sqrt(d * double(c.dimAttn))});
        e.push_back({p + "attn.k.weight", {c.dimAttn, c.dim}, 1.0 / std::sqrt(d)});
        e.push_back({p + "attn.v.weight", {c.dimAttn, c.dim}, 1.0 / std::sqrt(d)});
        e.push_back(
            {p + "attn.o.weight", {c.dim, c.dimAttn}, 1.0 / std::sqrt(double(c.numHeads * c.dimAttn))});
        e.push_back({p + "norm2.weight", {c.dim}, 0.0});
        e.push_back({p + "ffn.gate.0.weight", {c.dimFfn, c.dim}, 1.0 / std::sqrt(d)});
        e.push_back({p + "ffn.fc1.weight", {c.dimFfn, c.dim}, 1.0 / std::sqrt(d)});
        e.push_back({p + "ffn.fc2.weight", {c.dim, c.dimFfn}, 1.0 / std::sqrt(double(c.dimFfn))});
        e.push_back({p + "pos_embedding.embedding.weight",
                     {c.numBuckets, c.numHeads},
                     1.0 / std::sqrt(2.0 * double(c.numBuckets * c.numHeads))});
    }
    e.push_back({"norm.weight", {c.dim}, 0.0});
    return e;
}

std::int64_t numelOf(const std::vector<std::int64_t>& shape)
{
    std::int64_t n = 1;
    for (auto s : shape)
        n *= s;
    return n;
}

// An earlier run's file of the expected size is used again (random weights, same seed).
bool reusable(const fs::path& file, std::uint64_t total)
{
    std::error_code ec;
    if (!fs::exists(file, ec) || fs::file_size(file, ec) != total)
        return false;
    std::cout << "reusing " << file << "\n";
    return true;
}

std::ofstream openForWriting(const fs::path& file)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out)
        throw wan::Error(wan::ErrorKind::Io, "cannot write " + file.string());
    return out;
}

// A bf16 safetensors file, written a slice at a time so the writer never holds a whole tensor.
std::uint64_t writeRandomCheckpoint(const fs::path& file, const std::vector<Entry>& entries)
{
    nlohmann::json header = nlohmann::json::object();
    std::uint64_t offset = 0;
    for (const auto& e : entries) {
        const std::uint64_t bytes = std::uint64_t(numelOf(e.shape)) * 2;
        header[e.name] = {{"dtype", "BF16"}, {"shape", e.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    while ((text.size() + 8) % 8 != 0)
        text.push_back(' ');
    const std::uint64_t total = 8 + text.size() + offset;
    if (reusable(file, total))
        return total;
    std::ofstream out = openForWriting(file);
    const std::uint64_t headerSize = text.size();
    char sizeBytes[8];
    for (int i = 0; i < 8; ++i)
        sizeBytes[i] = char((headerSize >> (8 * i)) & 0xFF);
    out.write(sizeBytes, 8);
    out.write(text.data(), std::streamsize(text.size()));

    torch::manual_seed(0);
    constexpr std::int64_t kSliceElements = 32ll << 20; // 128 MB of float32 at a time
    for (const auto& e : entries) {
        const std::int64_t n = numelOf(e.shape);
        for (std::int64_t start = 0; start < n; start += kSliceElements) {
            const std::int64_t count = std::min(kSliceElements, n - start);
            const auto slice = (e.stddev == 0.0 ? torch::ones({count}) : torch::randn({count}) * e.stddev)
                                   .to(torch::kBFloat16)
                                   .contiguous();
            out.write(static_cast<const char*>(slice.data_ptr()), std::streamsize(count * 2));
        }
    }
    out.close();
    if (!out)
        throw wan::Error(wan::ErrorKind::Io, "writing " + file.string() + " failed (disk full?)");
    return total;
}

// The llama.cpp name of an official umT5 tensor (gguf-py's T5 encoder mapping).
std::string llamaCppName(const std::string& official)
{
    if (official == "token_embedding.weight")
        return "token_embd.weight";
    if (official == "norm.weight")
        return "enc.output_norm.weight";
    static const std::pair<const char*, const char*> kParts[] = {
        {"norm1.", "attn_norm."},     {"attn.q.", "attn_q."},
        {"attn.k.", "attn_k."},       {"attn.v.", "attn_v."},
        {"attn.o.", "attn_o."},       {"norm2.", "ffn_norm."},
        {"ffn.gate.0.", "ffn_gate."}, {"ffn.fc1.", "ffn_up."},
        {"ffn.fc2.", "ffn_down."},    {"pos_embedding.embedding.", "attn_rel_b."},
    };
    const auto dot = official.find('.', 7); // after "blocks.N"
    const std::string rest = official.substr(dot + 1);
    for (const auto& [from, to] : kParts)
        if (rest.starts_with(from))
            return "enc.blk." + official.substr(7, dot - 7) + "." + to + rest.substr(std::strlen(from));
    throw wan::Error(wan::ErrorKind::Internal, "no llama.cpp name for " + official);
}

// A llama.cpp T5 encoder GGUF (version 3, alignment 32): 2-D tensors whose rows are whole blocks in Q8_0,
// the rest F32. Written a slice at a time (the header's offsets follow from the shapes), so the writer never
// holds a whole tensor.
std::uint64_t writeRandomGguf(const fs::path& file, const std::vector<Entry>& entries)
{
    using W = wan::test::GgufWriter;
    constexpr std::uint64_t kAlign = 32;
    const auto q8 = [](const Entry& e) { return e.shape.size() == 2 && e.shape.back() % 32 == 0; };
    const auto bytesOf = [&](const Entry& e) {
        const auto n = std::uint64_t(numelOf(e.shape));
        return q8(e) ? n / 32 * 34 : n * 4;
    };
    std::string head = "GGUF" + W::pod(std::uint32_t(3)) + W::pod(std::uint64_t(entries.size())) +
                       W::pod(std::uint64_t(1)) + W::str("general.architecture") + W::pod(std::uint32_t(8)) +
                       W::str("t5encoder");
    std::uint64_t offset = 0;
    for (const auto& e : entries) {
        head += W::str(llamaCppName(e.name)) + W::pod(std::uint32_t(e.shape.size()));
        for (auto d = e.shape.rbegin(); d != e.shape.rend(); ++d) // ggml order: innermost first
            head += W::pod(std::uint64_t(*d));
        head +=
            W::pod(std::uint32_t(q8(e) ? wan::io::GgmlType::Q8_0 : wan::io::GgmlType::F32)) + W::pod(offset);
        offset += (bytesOf(e) + kAlign - 1) / kAlign * kAlign;
    }
    head.resize((head.size() + kAlign - 1) / kAlign * kAlign, '\0');
    const std::uint64_t total = head.size() + offset;
    if (reusable(file, total))
        return total;
    std::ofstream out = openForWriting(file);
    out.write(head.data(), std::streamsize(head.size()));
    torch::manual_seed(0);
    constexpr std::int64_t kSliceElements = 32ll << 20; // a multiple of 32: whole blocks
    for (const auto& e : entries) {
        const std::int64_t n = numelOf(e.shape);
        for (std::int64_t start = 0; start < n; start += kSliceElements) {
            const std::int64_t count = std::min(kSliceElements, n - start);
            const auto slice =
                (e.stddev == 0.0 ? torch::ones({count}) : torch::randn({count}) * e.stddev).contiguous();
            const std::string bytes =
                q8(e) ? wan::test::quantizeQ8_0(slice.data_ptr<float>(), std::size_t(count))
                      : std::string(static_cast<const char*>(slice.data_ptr()), std::size_t(count) * 4);
            out.write(bytes.data(), std::streamsize(bytes.size()));
        }
        const std::uint64_t padded = (bytesOf(e) + kAlign - 1) / kAlign * kAlign;
        out.write(std::string(padded - bytesOf(e), '\0').data(), std::streamsize(padded - bytesOf(e)));
    }
    out.close();
    if (!out)
        throw wan::Error(wan::ErrorKind::Io, "writing " + file.string() + " failed (disk full?)");
    return total;
}

// GFLOPS of x w^T and of w x^T for each weight shape of the encoder and each row count.
void timeProducts(const T5Config& c)
{
    const std::pair<std::int64_t, std::int64_t> shapes[] = {
        {c.dimAttn, c.dim}, {c.dimFfn, c.dim}, {c.dim, c.dimFfn}}; // [out, in]: q/k/v/o, gate/fc1, fc2
    std::printf("%-14s %6s %14s %14s %8s\n", "weight", "rows", "x w^T GFLOPS", "w x^T GFLOPS", "ratio");
    torch::manual_seed(0);
    for (const auto& [out, in] : shapes) {
        const auto w = torch::randn({out, in});
        for (const std::int64_t rows : {8, 60, 200, 512, 1024}) {
            const auto x = torch::randn({rows, in});
            const auto best = [](const auto& product) {
                product(); // warm-up
                double fastest = 1e30;
                for (int r = 0; r < 4; ++r) {
                    const auto t0 = std::chrono::steady_clock::now();
                    product();
                    fastest = std::min(fastest, secondsSince(t0));
                }
                return fastest;
            };
            const double linear = best([&] { return torch::linear(x, w); });
            const double weightFirst = best([&] { return torch::mm(w, x.t()).t().contiguous(); });
            const double flops = 2.0 * double(rows) * double(out) * double(in) / 1e9;
            std::printf("%6lld x %-6lld %6lld %14.1f %14.1f %8.2f\n", (long long)out, (long long)in,
                        (long long)rows, flops / linear, flops / weightFirst, linear / weightFirst);
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    try {
        const Args args = parseArgs(argc, argv);
        const int threads = wan::bench::threadCount(args.threads);
        at::set_num_threads(threads);
        if (args.products) {
            std::printf("float32 products on the CPU, %d threads\n", threads);
            timeProducts(args.config);
            return 0;
        }
        const auto& c = args.config;
        std::printf("umT5 encoder: %lld layers, dim %lld, dim_attn %lld, %lld heads, ffn %lld, vocab %lld, "
                    "%lld buckets; %.2f B parameters (%.2f GB bf16); %d threads\n",
                    (long long)c.numLayers, (long long)c.dim, (long long)c.dimAttn, (long long)c.numHeads,
                    (long long)c.dimFfn, (long long)c.vocab, (long long)c.numBuckets,
                    double(c.parameterCount()) / 1e9, double(c.parameterCount()) * 2 / 1e9, threads);

        const fs::path file = args.file.empty()
                                  ? fs::temp_directory_path() / ("bench_t5_" + std::to_string(getpid()) +
                                                                 (args.ggufQ8 ? ".gguf" : ".safetensors"))
                                  : args.file;
        auto t0 = std::chrono::steady_clock::now();
        const auto bytes =
            args.ggufQ8 ? writeRandomGguf(file, entriesFor(c)) : writeRandomCheckpoint(file, entriesFor(c));
        std::printf("checkpoint %s: %.2f GB, ready in %.1f s\n", file.c_str(), double(bytes) / 1e9,
                    secondsSince(t0));
        const double rssBeforeLoad = currentRssGb();

        const auto device = wan::pipeline::parseDevice(args.device);
        // The same prompts for every mode: the first mode's outputs are what later modes are compared with.
        std::mt19937_64 rng(1234);
        std::uniform_int_distribution<std::int64_t> pick(3, c.vocab - 1);
        std::vector<std::vector<std::int64_t>> prompts;
        for (int r = 0; r < args.repeat; ++r)
            for (const auto tokens : args.tokens) {
                std::vector<std::int64_t> ids(static_cast<std::size_t>(tokens));
                for (auto& id : ids)
                    id = pick(rng);
                ids.back() = 1; // EOS
                prompts.push_back(std::move(ids));
            }
        std::vector<torch::Tensor> firstOutputs;
        for (const auto& mode : args.compute) {
            t0 = std::chrono::steady_clock::now();
            wan::text::TextEncoder::Options options; // the weights stay as stored (bf16, or Q8_0 blocks)
            options.device = device;
            options.computeDtype = mode == "bf16" ? torch::kBFloat16 : torch::kFloat32;
            auto encoder = wan::text::TextEncoder::loadFiles(file, {}, options);
            std::printf("%s math: load (mmap + bind) %.2f s, RSS %.2f GB (before load %.2f GB)\n",
                        mode.c_str(), secondsSince(t0), currentRssGb(), rssBeforeLoad);
            for (std::size_t p = 0; p < prompts.size(); ++p) {
                t0 = std::chrono::steady_clock::now();
                const auto out = encoder->encodeIds(prompts[p]);
                wan::pipeline::synchronize(device);
                const double seconds = secondsSince(t0);
                std::string versus;
                if (firstOutputs.size() < prompts.size()) {
                    firstOutputs.push_back(out);
                } else {
                    const auto diff = (out - firstOutputs[p]).abs();
                    char text[160];
                    std::snprintf(text, sizeof text, "; vs %s: max |diff| %.4f, mean |diff| %.5f",
                                  args.compute.front().c_str(), diff.max().item<double>(),
                                  diff.mean().item<double>());
                    versus = text;
                }
                std::printf("%s encode %4zu tokens: %7.2f s  (out [%lld, %lld], finite %s, mean |x| %.3f%s)  "
                            "RSS %.2f GB, peak %.2f GB\n",
                            mode.c_str(), prompts[p].size(), seconds, (long long)out.size(0),
                            (long long)out.size(1), torch::isfinite(out).all().item<bool>() ? "yes" : "NO",
                            out.abs().mean().item<double>(), versus.c_str(), currentRssGb(), peakRssGb());
            }
        }
        if (device.is_cuda())
            std::printf("peak GPU memory: %.2f GB reserved\n",
                        double(wan::pipeline::peakReservedDeviceMemory(device)) / 1e9);
        if (args.file.empty() && !args.keep)
            fs::remove(file);
        std::printf("peak RSS: %.2f GB\n", peakRssGb());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_t5: %s\n", e.what());
        usage();
        return 1;
    }
}
