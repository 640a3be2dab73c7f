#pragma once
// "Variations…" started from a job of the queue or a result of the gallery rather than from the form: the
// job's own request is the group's base, the form and the user's draft stay as they are.

#include "JobTypes.h"

namespace wan::ui {

// The base request of a group of variations of `job`: its request as queued or made (model set, device,
// inputs, prompt and every setting), its seed the group's fixed start seed — for a finished job whose
// request still asks for a random seed, the seed its folder's settings.json recorded; a queued job with a
// random seed stays random (the group then draws distinct seeds) — and no output, latents or checkpoint
// files of the job's.
wan::Request variationBaseOf(const RenderJob& job);

} // namespace wan::ui
