#include "sampling/Scheduler.h"

namespace wan::sampling {

FlowEuler::FlowEuler(int steps, double shift)
{
    setSchedule(samplingSigmas(steps, shift));
}

torch::Tensor FlowEuler::step(const torch::Tensor& modelOutput, std::int64_t timestep,
                              const torch::Tensor& sample)
{
    const int index = beginStep(timestep);
    const auto x = sample.to(torch::kFloat32);
    const auto next = x + (sigmaAt(index + 1) - sigmaAt(index)) * modelOutput.to(torch::kFloat32);
    ++m_stepIndex;
    return next.to(sample.scalar_type());
}

} // namespace wan::sampling
