#pragma once
// A test helper: RGB frames into an MP4 that decodes back bit for bit (H.264 RGB, libx264rgb at qp 0).

#include <torch/torch.h>

#include <filesystem>

namespace wan::test {

// frames: [F, H, W, 3] uint8. Fails the calling test (throws std::runtime_error) when FFmpeg lacks
// libx264rgb or writing fails.
void writeLosslessMp4(const std::filesystem::path& path, const torch::Tensor& frames, int fps = 16);

} // namespace wan::test
