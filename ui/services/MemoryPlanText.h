#pragma once
// The engine's memory plan (wan::MemoryPlan: where the models would live, the estimated peak) in the app's
// words, shown before Generate.

#include "wan/Pipeline.h"

#include <QString>

#include <functional>

namespace wan::ui {

struct MemoryPlanCheck
{
    bool ok = false; // false: `error` says why no plan could be made (no model folder, a bad request)
    wan::MemoryPlan plan;
    QString error;
};
// Plans a request without loading anything (wan::Engine::planMemoryDetails); called on a worker thread.
using MemoryPlanner = std::function<MemoryPlanCheck(const wan::Request& request)>;

// "GPU cuda:0: text encoder on the processor, DiT streamed block by block; about 7.2 GB of the 8.0 GB
// budget." / "Processor: about 3.1 GB of the 22.9 GB of free memory." The refusal, when there is one, in
// the engine's words after it.
QString memoryPlanText(const wan::MemoryPlan& plan);
// Whether the engine would run the job as planned (no refusal).
inline bool memoryPlanFits(const wan::MemoryPlan& plan)
{
    return plan.refusal.empty();
}

} // namespace wan::ui
