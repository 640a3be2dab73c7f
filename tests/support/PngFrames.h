#pragma once
// The PNG sequence a run wrote with --save_frames (frame names from media::sequenceFrameName), as one
// [count, H, W, 3] uint8 tensor for comparison with a fixture's frames_u8.

#include "media/Png.h"

#include <torch/torch.h>

#include <filesystem>
#include <vector>

namespace wan::test {

inline torch::Tensor readPngFrames(const std::filesystem::path& dir, int count)
{
    std::vector<torch::Tensor> frames;
    for (int i = 0; i < count; ++i) {
        const auto image = wan::media::readPng(dir / wan::media::sequenceFrameName(i, count));
        frames.push_back(torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                          {image.height, image.width, 3}, torch::kUInt8)
                             .clone());
    }
    return torch::stack(frames);
}

} // namespace wan::test
