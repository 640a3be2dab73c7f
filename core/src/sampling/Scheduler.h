#pragma once
// Internal (torch) flow-matching schedulers. All arithmetic follows the official solvers operation by
// operation in float32 (0-dim tensors), so a CPU run reproduces the reference trajectories.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "wan/Pipeline.h"

namespace wan::sampling {

class Scheduler
{
public:
    virtual ~Scheduler() = default;

    // int64 [N]: the timestep handed to the model at each step.
    const torch::Tensor& timesteps() const { return m_timesteps; }
    // float32 [N + 1], last = 0.
    const torch::Tensor& sigmas() const { return m_sigmas; }
    int numSteps() const { return int(m_timesteps.size(0)); }

    // One solver step: `modelOutput` is the flow (velocity) prediction at `sample`; returns the next sample.
    // The first call locates its timestep in timesteps() (second occurrence when duplicated); later calls
    // advance by one.
    virtual torch::Tensor step(const torch::Tensor& modelOutput, std::int64_t timestep,
                               const torch::Tensor& sample) = 0;

protected:
    // Sets m_timesteps = int64(sigmas * 1000) (truncation) and m_sigmas = float32(cat(sigmas, 0)).
    void setSchedule(const std::vector<double>& sigmas);
    // Resolves the step index on the first call, as the official index_for_timestep.
    int beginStep(std::int64_t timestep);
    torch::Tensor sigmaAt(int index) const { return m_sigmas[index]; }

    torch::Tensor m_timesteps;
    torch::Tensor m_sigmas;
    int m_stepIndex = -1;
};

// numpy.linspace(start, stop, num) (endpoint included), element by element as numpy computes it.
std::vector<double> linspace(double start, double stop, int num);
// shift * s / (1 + (shift - 1) * s) in float64.
std::vector<double> shiftSigmas(const std::vector<double>& sigmas, double shift);
// The official get_sampling_sigmas(steps, shift): shifted linspace(1, 0, steps + 1)[:steps].
std::vector<double> samplingSigmas(int steps, double shift);

// FlowUniPCMultistepScheduler(shift=1) + set_timesteps(steps, shift=shift): bh2, order 2, predict_x0,
// lower_order_final, corrector on every step after the first.
class FlowUniPC final : public Scheduler
{
public:
    FlowUniPC(int steps, double shift);
    torch::Tensor step(const torch::Tensor& modelOutput, std::int64_t timestep,
                       const torch::Tensor& sample) override;

private:
    torch::Tensor predictor(const torch::Tensor& sample, int order) const;
    torch::Tensor corrector(const torch::Tensor& thisModelOutput, const torch::Tensor& lastSample,
                            int order) const;
    torch::Tensor lambdaAt(int index) const;

    torch::Tensor
        m_prevOutput; // converted (x0) model outputs: m_prevOutput = step k-1, m_lastOutput = step k
    torch::Tensor m_lastOutput;
    torch::Tensor m_lastSample;
    int m_lowerOrderNums = 0;
    int m_thisOrder = 0;
};

// FlowDPMSolverMultistepScheduler(shift=1) with sigmas = get_sampling_sigmas(steps, shift): dpmsolver++ 2M
// midpoint, first order on the first and the final step. The first sigma is exactly 1: lambda = -inf there
// and the inf arithmetic is part of the algorithm.
class FlowDpmSolver final : public Scheduler
{
public:
    FlowDpmSolver(int steps, double shift);
    torch::Tensor step(const torch::Tensor& modelOutput, std::int64_t timestep,
                       const torch::Tensor& sample) override;

private:
    torch::Tensor m_prevOutput;
    torch::Tensor m_lastOutput;
    int m_lowerOrderNums = 0;
};

// Plain flow-matching Euler on get_sampling_sigmas: x += (sigma_next - sigma) * v.
class FlowEuler final : public Scheduler
{
public:
    FlowEuler(int steps, double shift);
    torch::Tensor step(const torch::Tensor& modelOutput, std::int64_t timestep,
                       const torch::Tensor& sample) override;
};

// Throws wan::Error(InvalidArgument) for steps < 1 or shift <= 0.
std::unique_ptr<Scheduler> makeScheduler(Solver solver, int steps, double shift);

} // namespace wan::sampling
