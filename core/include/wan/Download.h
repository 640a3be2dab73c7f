#pragma once
// Model downloader: a catalogue of known Wan2.1 model sets (repositories and roles only), resolved at run
// time against a hub's file API (sizes and SHA-256 from the hub), and fetched resumably with verification. No
// Qt.

#include "wan/CancelToken.h"
#include "wan/Error.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace wan {

// One role of a model set: the files of `repo` whose path matches `include` (a glob: `*` stays inside one
// folder,
// `**` crosses folders) and none of `exclude`.
struct ModelSetPart
{
    std::string role;           // dit, t5, vae, clip, tokenizer, config, ...
    std::string repo;           // Hugging Face "owner/name"
    std::string modelscopeRepo; // the same files on ModelScope; empty when not published there
    std::string include;
    std::vector<std::string> exclude;
};

enum class ModelLayout
{
    Official = 1, // the official repository folder, paths kept (loadable with --ckpt_dir)
    SingleFiles,  // ComfyUI repackaged / GGUF single files, stored flat in the set folder
};

struct ModelSet
{
    std::string name;  // "t2v-1.3B": what --download takes
    std::string title; // one line for lists
    std::string task;  // the --task it serves
    ModelLayout layout = ModelLayout::Official;
    std::vector<ModelSetPart> parts;
};

// The catalogue compiled into the library (resources/models/catalogue.json).
const std::vector<ModelSet>& builtInModelCatalogue();
// Parses a catalogue; throws Error(InvalidArgument) naming `source` and what is wrong.
std::vector<ModelSet> parseModelCatalogue(const std::string& json, const std::string& source);
// Throws Error(InvalidArgument) listing the known names when `name` is not one of them.
const ModelSet& findModelSet(const std::vector<ModelSet>& catalogue, const std::string& name);

enum class HubKind
{
    HuggingFace = 1, // the Hugging Face API (huggingface.co or a mirror such as hf-mirror.com)
    ModelScope,
};

struct HubEndpoint
{
    HubKind kind = HubKind::HuggingFace;
    std::string baseUrl = "https://huggingface.co"; // no trailing slash
};

// "" or "huggingface" -> huggingface.co; "hf-mirror" -> hf-mirror.com; "modelscope" -> modelscope.cn;
// "modelscope:<url>" -> a ModelScope-compatible server; any other http(s) URL -> a Hugging Face mirror.
// Throws Error(InvalidArgument).
HubEndpoint parseHubEndpoint(const std::string& text);

struct RemoteFile
{
    std::string role;
    std::string repo;         // as named on the endpoint
    std::string path;         // inside the repository
    std::string relativePath; // inside the set folder
    std::string url;
    std::uint64_t size = 0;
    std::string sha256;  // lowercase hex (LFS oid); empty when the hub gives none
    std::string gitSha1; // the git blob id of a small non-LFS file; empty when sha256 is known
};

struct ResolvedModelSet
{
    std::string name;
    std::vector<RemoteFile> files;
    std::uint64_t totalBytes = 0;
};

struct DownloadOptions
{
    HubEndpoint endpoint;
    std::string token;     // sent as "Authorization: Bearer" to the endpoint only (never to redirects)
    int parallelFiles = 4; // files fetched at the same time
    std::uint64_t maxBytesPerSecond = 0; // 0 = unlimited; one budget for all parallel transfers
    int maxAttempts = 5; // consecutive failed attempts per file (an attempt that made progress resets)
    std::chrono::milliseconds initialBackoff{1000}; // doubled per failed attempt, up to maxBackoff
    std::chrono::milliseconds maxBackoff{60000};
    std::chrono::milliseconds maxRetryAfter{300000}; // a longer Retry-After is an error instead of a wait
    std::chrono::seconds stallTimeout{60};           // no byte for this long = a failed attempt
    std::chrono::seconds connectTimeout{30};
};

struct DownloadProgress
{
    std::string file; // relativePath of the file that moved last
    std::uint64_t fileBytes = 0;
    std::uint64_t fileTotal = 0;
    std::uint64_t doneBytes = 0; // of the whole set, verified files and parts on disk included
    std::uint64_t totalBytes = 0;
    double bytesPerSecond = 0; // this run's average
    int filesDone = 0;
    int filesTotal = 0;
};
// Called from download threads (serialised, at most every 200 ms plus once per finished file).
using DownloadProgressFn = std::function<void(const DownloadProgress&)>;

struct DownloadResult
{
    std::filesystem::path folder;
    std::uint64_t totalBytes = 0;
    std::uint64_t fetchedBytes = 0; // received over the network in this run
    int filesFetched = 0;
    int filesReused = 0; // already verified on disk
};

// Lists the set's files with sizes and hashes from the endpoint. Throws Error(Network / InvalidArgument).
ResolvedModelSet resolveModelSet(const ModelSet& set, const DownloadOptions& options,
                                 CancelToken* cancel = nullptr);

// Downloads `set` into `folder` (created): every file to `<file>.part`, hashed while it arrives (a resumed
// part is re-hashed from disk first), verified, then renamed. Checks the free space first. The set is
// complete only when every file verified (modelSetComplete). Cancelling or failing leaves the parts for the
// next call to resume. Throws Error: Network (HTTP, DNS, TLS), Io (disk), CorruptFile (hash mismatch twice),
// Cancelled.
DownloadResult downloadModelSet(const ModelSet& set, const std::filesystem::path& folder,
                                const DownloadOptions& options, const DownloadProgressFn& progress = {},
                                CancelToken* cancel = nullptr);

// True when `folder` holds a set that downloadModelSet() finished and verified, every file still at its size.
bool modelSetComplete(const std::filesystem::path& folder);

// The file in a set folder that records the download's progress.
inline constexpr const char* kDownloadStateFile = ".wan-download.json";

// "17.3 GB" (decimal units, as hubs show sizes).
std::string formatByteSize(std::uint64_t bytes);

} // namespace wan
