#include "sampling/Scheduler.h"

#include "wan/Error.h"

namespace wan::sampling {

FlowDistilled::FlowDistilled(std::vector<int> stepList, double shift)
{
    if (stepList.empty())
        throw Error(ErrorKind::InvalidArgument, "distilled sampling needs at least one timestep");
    const float s = float(shift);
    std::vector<double> sigmas;
    m_modelTimesteps = torch::empty({std::int64_t(stepList.size())}, torch::kFloat32);
    auto* t = m_modelTimesteps.data_ptr<float>();
    for (size_t i = 0; i < stepList.size(); ++i) {
        if (stepList[i] < 1 || stepList[i] > 1000)
            throw Error(ErrorKind::InvalidArgument,
                        "distilled timesteps must lie in 1..1000, got " + std::to_string(stepList[i]));
        // torch.linspace(1, 0, 1001)[1000 - step] is step / 1000 exactly for these grids.
        const float base = float(stepList[i]) / 1000.0f;
        const float sigma = s * base / (1.0f + (s - 1.0f) * base);
        sigmas.push_back(double(sigma));
        t[i] = sigma * 1000.0f;
    }
    setSchedule(sigmas);
}

torch::Tensor FlowDistilled::modelTimestep(int index) const
{
    return m_modelTimesteps.narrow(0, index, 1).clone();
}

torch::Tensor FlowDistilled::step(const torch::Tensor& modelOutput, std::int64_t /*timestep*/,
                                  const torch::Tensor& sample)
{
    const int index = m_stepIndex < 0 ? 0 : m_stepIndex;
    const auto flow = modelOutput.to(torch::kFloat32);
    auto next = sample.to(torch::kFloat32) - flow * m_sigmas[index].item<float>();
    if (index + 1 < numSteps())
        next = next + flow * m_sigmas[index + 1].item<float>();
    m_stepIndex = index + 1;
    return next.to(sample.scalar_type());
}

} // namespace wan::sampling
