#include "sampling/Scheduler.h"

#include <algorithm>

namespace wan::sampling {

namespace {

constexpr int kSolverOrder = 2;

} // namespace

FlowUniPC::FlowUniPC(int steps, double shift)
{
    // The training table's largest sigma, 1 - 1/1000, as the float32 the official table stores.
    const double sigmaMax = double(float(1.0 - 1.0 / 1000.0));
    auto sigmas = linspace(sigmaMax, 0.0, steps + 1);
    sigmas.pop_back();
    setSchedule(shiftSigmas(sigmas, shift));
}

torch::Tensor FlowUniPC::lambdaAt(int index) const
{
    const auto sigma = sigmaAt(index);
    return torch::log(1 - sigma) - torch::log(sigma);
}

torch::Tensor FlowUniPC::step(const torch::Tensor& modelOutput, std::int64_t timestep,
                              const torch::Tensor& sample)
{
    const int index = beginStep(timestep);
    const auto x = sample.to(torch::kFloat32);
    const auto converted = x - sigmaAt(index) * modelOutput.to(torch::kFloat32);

    auto current = x;
    if (index > 0 && m_lastSample.defined())
        current = corrector(converted, m_lastSample, m_thisOrder);

    m_prevOutput = m_lastOutput;
    m_lastOutput = converted;

    const int remaining = numSteps() - index; // lower_order_final
    m_thisOrder = std::min({kSolverOrder, remaining, m_lowerOrderNums + 1});

    m_lastSample = current;
    auto next = predictor(current, m_thisOrder);

    m_lowerOrderNums = std::min(m_lowerOrderNums + 1, kSolverOrder);
    ++m_stepIndex;
    return next.to(sample.scalar_type());
}

void FlowUniPC::exportHistory(SchedulerState& state) const
{
    if (m_prevOutput.defined())
        state.tensors["prev_output"] = m_prevOutput;
    if (m_lastOutput.defined())
        state.tensors["last_output"] = m_lastOutput;
    if (m_lastSample.defined())
        state.tensors["last_sample"] = m_lastSample;
    state.integers["lower_order_nums"] = m_lowerOrderNums;
    state.integers["this_order"] = m_thisOrder;
}

void FlowUniPC::importHistory(const SchedulerState& state, const torch::Device& device)
{
    const auto done = state.integers.at("step_index");
    // After step k the corrector of step k + 1 reads the last sample and output, the order-2 terms the one
    // before.
    m_prevOutput = stateTensor(state, "prev_output", done >= 2, device);
    m_lastOutput = stateTensor(state, "last_output", done >= 1, device);
    m_lastSample = stateTensor(state, "last_sample", done >= 1, device);
    m_lowerOrderNums = int(stateInteger(state, "lower_order_nums", 0, kSolverOrder));
    m_thisOrder = int(stateInteger(state, "this_order", 0, kSolverOrder));
}

// UniP, B(h) = expm1(-h) (bh2), data prediction.
torch::Tensor FlowUniPC::predictor(const torch::Tensor& x, int order) const
{
    const int index = m_stepIndex;
    const auto sigmaT = sigmaAt(index + 1);
    const auto sigmaS0 = sigmaAt(index);
    const auto alphaT = 1 - sigmaT;
    const auto lambdaS0 = lambdaAt(index);
    const auto h = lambdaAt(index + 1) - lambdaS0;
    const auto& m0 = m_lastOutput;

    const auto hh = -h;
    const auto hPhi1 = torch::expm1(hh);
    const auto bH = torch::expm1(hh);

    auto xt = sigmaT / sigmaS0 * x - alphaT * hPhi1 * m0;
    if (order >= 2) {
        const auto rk = (lambdaAt(index - 1) - lambdaS0) / h;
        const auto d1 = (m_prevOutput - m0) / rk;
        // Order 2 uses the fixed rho = 0.5 instead of solving.
        xt = xt - alphaT * bH * (0.5 * d1);
    }
    return xt;
}

// UniC: refines the sample the previous predictor produced, using this step's model output.
torch::Tensor FlowUniPC::corrector(const torch::Tensor& modelT, const torch::Tensor& lastSample,
                                   int order) const
{
    const int index = m_stepIndex;
    const auto sigmaT = sigmaAt(index);
    const auto sigmaS0 = sigmaAt(index - 1);
    const auto alphaT = 1 - sigmaT;
    const auto lambdaS0 = lambdaAt(index - 1);
    const auto h = lambdaAt(index) - lambdaS0;
    const auto& m0 = m_lastOutput;

    torch::Tensor rk, d1;
    if (order >= 2) {
        rk = (lambdaAt(index - 2) - lambdaS0) / h;
        d1 = (m_prevOutput - m0) / rk;
    }

    const auto hh = -h;
    const auto hPhi1 = torch::expm1(hh);
    auto hPhiK = hPhi1 / hh - 1;
    const auto bH = torch::expm1(hh);

    torch::Tensor rhos;
    if (order == 1) {
        rhos = torch::full({1}, 0.5, torch::kFloat32);
    } else {
        const auto rks = torch::stack({rk, torch::ones({}, torch::kFloat32)});
        std::vector<torch::Tensor> rows, bs;
        int factorial = 1;
        for (int i = 1; i <= order; ++i) {
            rows.push_back(torch::pow(rks, i - 1));
            bs.push_back(hPhiK * factorial / bH);
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1.0 / factorial;
        }
        rhos = torch::linalg_solve(torch::stack(rows), torch::stack(bs));
    }

    const auto xt0 = sigmaT / sigmaS0 * lastSample - alphaT * hPhi1 * m0;
    const auto d1t = modelT - m0;
    auto correction = rhos[-1] * d1t;
    if (order >= 2)
        correction = rhos[0] * d1 + correction;
    return xt0 - alphaT * bH * correction;
}

} // namespace wan::sampling
