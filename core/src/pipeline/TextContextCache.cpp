#include "pipeline/TextContextCache.h"

namespace wan::pipeline {

TextContextCache::TextContextCache(std::size_t maxEntries, std::uint64_t maxBytes)
    : m_maxEntries(maxEntries), m_maxBytes(maxBytes)
{
}

std::uint64_t TextContextCache::bytesOf(const torch::Tensor& t)
{
    return std::uint64_t(t.numel()) * std::uint64_t(t.element_size());
}

std::optional<torch::Tensor> TextContextCache::find(const Key& key)
{
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        if (it->first == key) {
            m_entries.splice(m_entries.begin(), m_entries, it);
            return m_entries.front().second.clone();
        }
    }
    return std::nullopt;
}

void TextContextCache::insert(const Key& key, const torch::Tensor& context)
{
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        if (it->first == key) {
            m_bytes -= bytesOf(it->second);
            m_entries.erase(it);
            break;
        }
    }
    const auto bytes = bytesOf(context);
    if (m_maxEntries == 0 || bytes > m_maxBytes)
        return;
    m_entries.emplace_front(key, context.detach().clone());
    m_bytes += bytes;
    while (m_entries.size() > m_maxEntries || m_bytes > m_maxBytes) {
        m_bytes -= bytesOf(m_entries.back().second);
        m_entries.pop_back();
    }
}

void TextContextCache::clear()
{
    m_entries.clear();
    m_bytes = 0;
}

} // namespace wan::pipeline
