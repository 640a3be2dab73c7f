// The model catalogue, hub endpoints and hub listings: everything of the downloader that needs no network.
#include "download/DownloadInternal.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

namespace wan {

namespace download {
extern const char* const kBuiltInCatalogueJson; // generated from resources/models/catalogue.json
}

namespace {

using nlohmann::json;

[[noreturn]] void catalogueError(const std::string& source, const std::string& what)
{
    throw Error(ErrorKind::InvalidArgument, "Model catalogue " + source + ": " + what);
}

std::string requiredString(const json& object, const char* key, const std::string& source,
                           const std::string& where)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get<std::string>().empty())
        catalogueError(source, where + " needs a non-empty string \"" + key + "\"");
    return it->get<std::string>();
}

std::string trimSlash(std::string url)
{
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

} // namespace

std::vector<ModelSet> parseModelCatalogue(const std::string& text, const std::string& source)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& e) {
        catalogueError(source, std::string("not valid JSON (") + e.what() + ")");
    }
    if (!document.is_object() || !document.contains("sets") || !document["sets"].is_array())
        catalogueError(source, "expected an object with an array \"sets\"");
    std::vector<ModelSet> sets;
    std::set<std::string> names;
    for (const auto& entry : document["sets"]) {
        if (!entry.is_object())
            catalogueError(source, "every entry of \"sets\" must be an object");
        ModelSet set;
        set.name = requiredString(entry, "name", source, "a set");
        const std::string where = "set '" + set.name + "'";
        if (!names.insert(set.name).second)
            catalogueError(source, where + " is listed twice");
        set.title = requiredString(entry, "title", source, where);
        set.task = requiredString(entry, "task", source, where);
        const std::string layout = requiredString(entry, "layout", source, where);
        if (layout == "official")
            set.layout = ModelLayout::Official;
        else if (layout == "single-files")
            set.layout = ModelLayout::SingleFiles;
        else
            catalogueError(source, where + ": layout must be \"official\" or \"single-files\", not \"" +
                                       layout + "\"");
        if (!entry.contains("parts") || !entry["parts"].is_array() || entry["parts"].empty())
            catalogueError(source, where + " needs a non-empty array \"parts\"");
        for (const auto& partJson : entry["parts"]) {
            if (!partJson.is_object())
                catalogueError(source, where + ": every part must be an object");
            ModelSetPart part;
            part.role = requiredString(partJson, "role", source, where + ", a part");
            part.repo = requiredString(partJson, "repo", source, where + ", part '" + part.role + "'");
            part.include = requiredString(partJson, "include", source, where + ", part '" + part.role + "'");
            if (part.repo.find('/') == std::string::npos)
                catalogueError(source, where + ", part '" + part.role + "': repo must be \"owner/name\"");
            part.modelscopeRepo = partJson.value("modelscopeRepo", std::string());
            if (partJson.contains("exclude")) {
                if (!partJson["exclude"].is_array())
                    catalogueError(source, where + ", part '" + part.role + "': exclude must be an array");
                for (const auto& pattern : partJson["exclude"])
                    part.exclude.push_back(pattern.get<std::string>());
            }
            set.parts.push_back(std::move(part));
        }
        sets.push_back(std::move(set));
    }
    return sets;
}

const std::vector<ModelSet>& builtInModelCatalogue()
{
    static const std::vector<ModelSet> catalogue =
        parseModelCatalogue(download::kBuiltInCatalogueJson, "(built in)");
    return catalogue;
}

const ModelSet& findModelSet(const std::vector<ModelSet>& catalogue, const std::string& name)
{
    for (const auto& set : catalogue)
        if (set.name == name)
            return set;
    std::string known;
    for (const auto& set : catalogue)
        known += (known.empty() ? "" : ", ") + set.name;
    throw Error(ErrorKind::InvalidArgument,
                "Unknown model set '" + name + "'. Known sets: " + known + " (see --list-models).");
}

HubEndpoint parseHubEndpoint(const std::string& text)
{
    HubEndpoint endpoint;
    if (text.empty() || text == "huggingface" || text == "hf")
        return endpoint;
    if (text == "hf-mirror") {
        endpoint.baseUrl = "https://hf-mirror.com";
        return endpoint;
    }
    if (text == "modelscope") {
        endpoint.kind = HubKind::ModelScope;
        endpoint.baseUrl = "https://www.modelscope.cn";
        return endpoint;
    }
    std::string url = text;
    if (startsWith(url, "modelscope:")) {
        endpoint.kind = HubKind::ModelScope;
        url = url.substr(std::string_view("modelscope:").size());
    }
    if (!startsWith(url, "http://") && !startsWith(url, "https://"))
        throw Error(ErrorKind::InvalidArgument,
                    "Endpoint '" + text +
                        "' is not understood: use huggingface, hf-mirror, modelscope, an http(s):// URL of a "
                        "Hugging Face mirror, or modelscope:<URL>.");
    endpoint.baseUrl = trimSlash(url);
    return endpoint;
}

std::string formatByteSize(std::uint64_t bytes)
{
    static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1000.0 && unit < 5) {
        value /= 1000.0;
        ++unit;
    }
    char buffer[32];
    if (unit == 0)
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
    return buffer;
}

namespace download {

bool globMatch(std::string_view pattern, std::string_view path)
{
    if (pattern.empty())
        return path.empty();
    if (startsWith(pattern, "**")) {
        std::string_view rest = pattern.substr(2);
        if (startsWith(rest, "/") && globMatch(rest.substr(1), path))
            return true; // "**/" also matches no folder at all
        for (std::size_t i = 0; i <= path.size(); ++i)
            if (globMatch(rest, path.substr(i)))
                return true;
        return false;
    }
    if (pattern[0] == '*') {
        for (std::size_t i = 0; i <= path.size(); ++i) {
            if (globMatch(pattern.substr(1), path.substr(i)))
                return true;
            if (i < path.size() && path[i] == '/')
                break;
        }
        return false;
    }
    if (path.empty())
        return false;
    if (pattern[0] == '?')
        return path[0] != '/' && globMatch(pattern.substr(1), path.substr(1));
    return pattern[0] == path[0] && globMatch(pattern.substr(1), path.substr(1));
}

namespace {

std::string lowerHex(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

bool isHex(const std::string& text, std::size_t length)
{
    return text.size() == length &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

[[noreturn]] void listingError(const std::string& url, const std::string& what)
{
    throw Error(ErrorKind::Network, "The file listing from " + url + " is not what a hub sends (" + what +
                                        "): check the --endpoint, or try again later.");
}

std::uint64_t sizeOf(const json& value)
{
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>();
    if (value.is_number_integer() && value.get<long long>() >= 0)
        return static_cast<std::uint64_t>(value.get<long long>());
    throw std::invalid_argument("size");
}

} // namespace

std::vector<HubEntry> parseHfTree(const std::string& text, const std::string& url)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception&) {
        listingError(url, "not JSON");
    }
    if (!document.is_array())
        listingError(url, "not a JSON array");
    std::vector<HubEntry> entries;
    try {
        for (const auto& item : document) {
            if (!item.is_object() || item.value("type", std::string()) != "file")
                continue;
            HubEntry entry;
            entry.path = item.at("path").get<std::string>();
            entry.size = sizeOf(item.at("size"));
            if (item.contains("lfs") && item["lfs"].is_object()) {
                const auto& lfs = item["lfs"];
                entry.sha256 = lowerHex(lfs.value("oid", std::string()));
                if (startsWith(entry.sha256, "sha256:"))
                    entry.sha256 = entry.sha256.substr(7);
                if (lfs.contains("size"))
                    entry.size = sizeOf(lfs["size"]);
                if (!isHex(entry.sha256, 64))
                    listingError(url, "LFS oid of " + entry.path + " is not a SHA-256");
            } else {
                entry.gitSha1 = lowerHex(item.value("oid", std::string()));
                if (!entry.gitSha1.empty() && !isHex(entry.gitSha1, 40))
                    entry.gitSha1.clear(); // an unknown id scheme: only the size is checked then
            }
            entries.push_back(std::move(entry));
        }
    } catch (const json::exception& e) {
        listingError(url, e.what());
    } catch (const std::invalid_argument&) {
        listingError(url, "a size is not a number");
    }
    return entries;
}

std::vector<HubEntry> parseModelScopeFiles(const std::string& text, const std::string& url)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception&) {
        listingError(url, "not JSON");
    }
    if (!document.is_object())
        listingError(url, "not a JSON object");
    if (document.contains("Code") && document["Code"].is_number() && document["Code"].get<int>() != 200)
        throw Error(ErrorKind::Network, "ModelScope refused the file listing " + url + ": " +
                                            document.value("Message", std::string("(no message)")) +
                                            ". Check the repository name, or use the Hugging Face endpoint.");
    if (!document.contains("Data") || !document["Data"].is_object() || !document["Data"].contains("Files") ||
        !document["Data"]["Files"].is_array())
        listingError(url, "no Data.Files array");
    std::vector<HubEntry> entries;
    try {
        for (const auto& item : document["Data"]["Files"]) {
            if (!item.is_object() || item.value("Type", std::string("blob")) != "blob")
                continue;
            HubEntry entry;
            entry.path = item.at("Path").get<std::string>();
            entry.size = sizeOf(item.at("Size"));
            entry.sha256 = lowerHex(item.value("Sha256", std::string()));
            if (!isHex(entry.sha256, 64))
                entry.sha256.clear();
            entries.push_back(std::move(entry));
        }
    } catch (const json::exception& e) {
        listingError(url, e.what());
    } catch (const std::invalid_argument&) {
        listingError(url, "a size is not a number");
    }
    return entries;
}

std::string linkNext(std::string_view header)
{
    // <url>; rel="next", <url2>; rel="prev"
    std::size_t pos = 0;
    while (pos < header.size()) {
        const auto open = header.find('<', pos);
        if (open == std::string_view::npos)
            break;
        const auto close = header.find('>', open);
        if (close == std::string_view::npos)
            break;
        auto end = header.find(',', close);
        if (end == std::string_view::npos)
            end = header.size();
        const std::string_view params = header.substr(close + 1, end - close - 1);
        if (params.find("rel=\"next\"") != std::string_view::npos ||
            params.find("rel=next") != std::string_view::npos)
            return std::string(header.substr(open + 1, close - open - 1));
        pos = end + 1;
    }
    return {};
}

std::string percentEncodePath(std::string_view path)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string hfTreeUrl(const HubEndpoint& endpoint, const std::string& repo)
{
    if (endpoint.kind == HubKind::ModelScope)
        return endpoint.baseUrl + "/api/v1/models/" + percentEncodePath(repo) +
               "/repo/files?Revision=master&Recursive=true";
    return endpoint.baseUrl + "/api/models/" + percentEncodePath(repo) + "/tree/main?recursive=true";
}

std::string fileUrl(const HubEndpoint& endpoint, const std::string& repo, const std::string& path)
{
    if (endpoint.kind == HubKind::ModelScope) {
        std::string encoded = percentEncodePath(path);
        std::string query;
        for (char c : encoded)
            query += c == '/' ? std::string("%2F") : std::string(1, c);
        return endpoint.baseUrl + "/api/v1/models/" + percentEncodePath(repo) +
               "/repo?Revision=master&FilePath=" + query;
    }
    return endpoint.baseUrl + "/" + percentEncodePath(repo) + "/resolve/main/" + percentEncodePath(path);
}

ResolvedModelSet selectFiles(const ModelSet& set, const HubEndpoint& endpoint,
                             const std::function<std::vector<HubEntry>(const std::string& repo)>& listing)
{
    ResolvedModelSet resolved;
    resolved.name = set.name;
    std::map<std::string, std::vector<HubEntry>> listings;
    std::set<std::string> taken;
    for (const auto& part : set.parts) {
        std::string repo = part.repo;
        if (endpoint.kind == HubKind::ModelScope) {
            if (part.modelscopeRepo.empty())
                throw Error(ErrorKind::InvalidArgument,
                            "Model set '" + set.name + "' is not published on ModelScope (" + part.repo +
                                " has no copy there): use --endpoint huggingface or hf-mirror.");
            repo = part.modelscopeRepo;
        }
        auto it = listings.find(repo);
        if (it == listings.end())
            it = listings.emplace(repo, listing(repo)).first;
        int matched = 0;
        for (const auto& entry : it->second) {
            if (!globMatch(part.include, entry.path))
                continue;
            if (std::any_of(part.exclude.begin(), part.exclude.end(),
                            [&](const std::string& pattern) { return globMatch(pattern, entry.path); }))
                continue;
            ++matched;
            RemoteFile file;
            file.role = part.role;
            file.repo = repo;
            file.path = entry.path;
            file.relativePath = set.layout == ModelLayout::Official
                                    ? entry.path
                                    : std::filesystem::path(entry.path).filename().string();
            if (!taken.insert(file.relativePath).second)
                continue; // another part already brings this file
            file.url = fileUrl(endpoint, repo, entry.path);
            file.size = entry.size;
            file.sha256 = entry.sha256;
            if (file.sha256.empty())
                file.gitSha1 = entry.gitSha1;
            resolved.totalBytes += file.size;
            resolved.files.push_back(std::move(file));
        }
        if (matched == 0)
            throw Error(
                ErrorKind::InvalidArgument,
                "Model set '" + set.name + "': no file of " + repo + " matches '" + part.include +
                    "' (role " + part.role +
                    "). The repository's layout changed or the endpoint does not mirror it: try another "
                    "--endpoint, or update resources/models/catalogue.json.");
    }
    return resolved;
}

Hasher::Hasher(Kind kind, std::uint64_t size) : m_kind(kind), m_size(size)
{
    if (m_kind != Kind::None)
        m_ctx = EVP_MD_CTX_new();
    reset();
}

Hasher::~Hasher()
{
    if (m_ctx)
        EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx));
}

void Hasher::reset()
{
    if (!m_ctx)
        return;
    auto* ctx = static_cast<EVP_MD_CTX*>(m_ctx);
    EVP_DigestInit_ex(ctx, m_kind == Kind::Sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
    if (m_kind == Kind::GitSha1) {
        const std::string header = "blob " + std::to_string(m_size);
        EVP_DigestUpdate(ctx, header.data(), header.size() + 1); // with the terminating NUL
    }
}

void Hasher::update(const void* data, std::size_t size)
{
    if (m_ctx && size > 0)
        EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), data, size);
}

std::string Hasher::hexDigest()
{
    if (!m_ctx)
        return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

} // namespace download

} // namespace wan
