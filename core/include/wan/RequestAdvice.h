#pragma once
// What a request asks beyond the official models' training, for front ends to warn about, never to refuse:
// such requests run, with results that may be poor. The trained sizes are Request.h's trainedSizes() and
// isTrainedSize(); this adds the clip length.

#include "wan/Request.h"

namespace wan {

// The longest clip the official models were trained on: 81 frames (about 5 s at 16 fps), 1.3B and 14B alike.
inline constexpr int kTrainedFrameLimit = 81;

// The most frames `task`'s model of `size` was trained on (t2i: 1).
int trainedFrameLimit(Task task, ModelSize size);
// `frames` within trainedFrameLimit(); frame counts that break the 4n+1 rule are validate()'s business.
bool isTrainedFrameCount(Task task, ModelSize size, int frames);

} // namespace wan
