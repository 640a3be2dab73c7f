#pragma once
// Encoded prompts kept by the engine for its lifetime: T5 outputs per (prompt text, text encoder identity,
// dtype, device), least recently used out first, bounded in entries and in bytes. The default negative
// prompt is thus encoded once while the app runs, not once per job.

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <utility>

namespace wan::pipeline {

class TextContextCache
{
public:
    struct Key
    {
        std::string prompt;
        std::string model;  // the encoder's weights, tokenizer and where it runs
        std::string dtype;  // the job's precision
        std::string device; // where the context is returned

        bool operator==(const Key& other) const = default;
    };

    static constexpr std::size_t kDefaultEntries = 8;
    // A umT5-XXL context is at most 512 x 4096 values (8 MiB in float32).
    static constexpr std::uint64_t kDefaultBytes = 64ull << 20;

    explicit TextContextCache(std::size_t maxEntries = kDefaultEntries,
                              std::uint64_t maxBytes = kDefaultBytes);

    // A copy of the stored context (callers may change theirs), now the most recently used; nullopt when
    // absent.
    std::optional<torch::Tensor> find(const Key& key);
    // Stores a copy of `context`, replacing an entry of the same key, then drops the least recently used
    // entries until both bounds hold. A context larger than the byte bound is not kept.
    void insert(const Key& key, const torch::Tensor& context);
    void clear();

    std::size_t size() const { return m_entries.size(); }
    std::uint64_t bytes() const { return m_bytes; }

private:
    static std::uint64_t bytesOf(const torch::Tensor& t);

    std::size_t m_maxEntries;
    std::uint64_t m_maxBytes;
    std::list<std::pair<Key, torch::Tensor>> m_entries; // most recently used first
    std::uint64_t m_bytes = 0;
};

} // namespace wan::pipeline
