#pragma once

#include "wan/Pipeline.h"

#include <functional>
#include <memory>

namespace wan::ui {

// What the inference thread runs jobs with: the engine in the app, a scripted fake in tests.
// Created, used and destroyed on the inference thread only.
class JobRunner
{
public:
    virtual ~JobRunner() = default;
    virtual wan::Result run(const wan::Request& request, const wan::Callbacks& callbacks) = 0;
    virtual wan::Result decodeLatents(const wan::Request& request, const std::filesystem::path& latents,
                                      const wan::Callbacks& callbacks) = 0;
    // Frees the loaded models and the device memory they held ("Pause and free GPU"), on the inference
    // thread, right before the runner is destroyed.
    virtual void releaseModels() {}
};

using JobRunnerFactory = std::function<std::unique_ptr<JobRunner>()>;

} // namespace wan::ui
