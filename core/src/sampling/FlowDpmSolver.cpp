#include "sampling/Scheduler.h"

namespace wan::sampling {

namespace {

torch::Tensor lambdaOf(const torch::Tensor& sigma)
{
    return torch::log(1 - sigma) - torch::log(sigma);
}

} // namespace

FlowDpmSolver::FlowDpmSolver(int steps, double shift)
{
    // The scheduler itself is built with shift 1, which leaves get_sampling_sigmas' values unchanged.
    setSchedule(shiftSigmas(samplingSigmas(steps, shift), 1.0));
}

void FlowDpmSolver::exportHistory(SchedulerState& state) const
{
    if (m_prevOutput.defined())
        state.tensors["prev_output"] = m_prevOutput;
    if (m_lastOutput.defined())
        state.tensors["last_output"] = m_lastOutput;
    state.integers["lower_order_nums"] = m_lowerOrderNums;
}

void FlowDpmSolver::importHistory(const SchedulerState& state, const torch::Device& device)
{
    // step() shifts last -> prev before it reads prev, so only the last output matters; prev is kept for a
    // faithful copy.
    const auto done = state.integers.at("step_index");
    m_prevOutput = stateTensor(state, "prev_output", done >= 2, device);
    m_lastOutput = stateTensor(state, "last_output", done >= 1, device);
    m_lowerOrderNums = int(stateInteger(state, "lower_order_nums", 0, 2));
}

torch::Tensor FlowDpmSolver::step(const torch::Tensor& modelOutput, std::int64_t timestep,
                                  const torch::Tensor& sample)
{
    const int index = beginStep(timestep);
    const auto x = sample.to(torch::kFloat32);
    const auto converted = x - sigmaAt(index) * modelOutput.to(torch::kFloat32);
    m_prevOutput = m_lastOutput;
    m_lastOutput = converted;

    const bool finalStep = index == numSteps() - 1; // final sigma is zero: always first order there
    const auto sigmaT = sigmaAt(index + 1);
    const auto sigmaS0 = sigmaAt(index);
    const auto alphaT = 1 - sigmaT;
    const auto h = lambdaOf(sigmaT) - lambdaOf(sigmaS0);
    const auto expm = torch::exp(-h) - 1.0;

    torch::Tensor next;
    if (m_lowerOrderNums < 1 || finalStep) {
        next = (sigmaT / sigmaS0) * x - (alphaT * expm) * converted;
    } else {
        const auto h0 = lambdaOf(sigmaS0) - lambdaOf(sigmaAt(index - 1));
        const auto r0 = h0 / h;
        const auto& d0 = m_lastOutput;
        const auto d1 = (1.0 / r0) * (m_lastOutput - m_prevOutput);
        next = (sigmaT / sigmaS0) * x - (alphaT * expm) * d0 - 0.5 * (alphaT * expm) * d1;
    }
    m_lowerOrderNums = std::min(m_lowerOrderNums + 1, 2);
    ++m_stepIndex;
    return next.to(sample.scalar_type());
}

} // namespace wan::sampling
