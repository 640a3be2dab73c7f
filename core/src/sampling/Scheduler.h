#pragma once
// Internal (torch) flow-matching schedulers. All arithmetic follows the official solvers operation by
// operation in float32 (0-dim tensors), so a CPU run reproduces the reference trajectories.

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "wan/Pipeline.h"

namespace wan::sampling {

// Everything the next step() reads, so a run can stop after any step and go on in a fresh scheduler with the
// same result bit for bit. Tensors are float32 CPU copies; absent history (first steps) is simply missing.
struct SchedulerState
{
    std::map<std::string, torch::Tensor> tensors;
    std::map<std::string, std::int64_t> integers;
};

class Scheduler
{
public:
    virtual ~Scheduler() = default;

    // int64 [N]: the timestep handed to the model at each step.
    const torch::Tensor& timesteps() const { return m_timesteps; }
    // float32 [N + 1], last = 0.
    const torch::Tensor& sigmas() const { return m_sigmas; }
    int numSteps() const { return int(m_timesteps.size(0)); }
    // [1]: what the model is given at step `index` (timesteps()[index]; fractional for distilled schedules).
    virtual torch::Tensor modelTimestep(int index) const { return m_timesteps.narrow(0, index, 1).clone(); }

    // One solver step: `modelOutput` is the flow (velocity) prediction at `sample`; returns the next sample.
    // The first call locates its timestep in timesteps() (second occurrence when duplicated); later calls
    // advance by one.
    virtual torch::Tensor step(const torch::Tensor& modelOutput, std::int64_t timestep,
                               const torch::Tensor& sample) = 0;

    // Steps done so far (0 before the first step()).
    int stepsDone() const { return m_stepIndex < 0 ? 0 : m_stepIndex; }
    // The state after stepsDone() steps ("step_index", "num_steps", "solver" and the solver's history).
    SchedulerState exportState() const;
    // Restores an exported state into a scheduler built with the same solver, steps and shift; the next
    // step() continues where the exporting one stopped. Tensors go to `device`. Throws
    // wan::Error(CorruptFile) when the state does not belong to this scheduler or is incomplete.
    void importState(const SchedulerState& state, const torch::Device& device);

protected:
    virtual Solver solver() const = 0;
    virtual void exportHistory(SchedulerState& state) const = 0;
    virtual void importHistory(const SchedulerState& state, const torch::Device& device) = 0;
    // Helpers for importHistory(): throw wan::Error(CorruptFile) naming what is missing or out of range.
    static torch::Tensor stateTensor(const SchedulerState& state, const std::string& name, bool required,
                                     const torch::Device& device);
    static std::int64_t stateInteger(const SchedulerState& state, const std::string& name, std::int64_t min,
                                     std::int64_t max);

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

protected:
    Solver solver() const override { return Solver::UniPC; }
    void exportHistory(SchedulerState& state) const override;
    void importHistory(const SchedulerState& state, const torch::Device& device) override;

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

protected:
    Solver solver() const override { return Solver::DpmPP; }
    void exportHistory(SchedulerState& state) const override;
    void importHistory(const SchedulerState& state, const torch::Device& device) override;

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

protected:
    Solver solver() const override { return Solver::Euler; }
    void exportHistory(SchedulerState&) const override {}
    void importHistory(const SchedulerState&, const torch::Device&) override {}
};

// The published schedule of the lightx2v step- and CFG-distilled Wan2.1 LoRAs (configs/distill
// wan_t2v_distill_lora_4step_cfg.json): denoising_step_list and sample_shift.
inline constexpr std::array<int, 4> kDistilledStepList{1000, 750, 500, 250};
inline constexpr double kDistilledShift = 5.0;

// lightx2v's WanStepDistillScheduler: the shifted 1000-step grid sigma_i = shift(1 - i/1000) taken at
// i = 1000 - step; the model sees sigma * 1000 (fractional: 1000, 937.5, 833.33, 625), and each step goes
// x0 = x - sigma v, then x0 + sigma_next v (the last step ends at x0). float32 throughout, as there.
class FlowDistilled final : public Scheduler
{
public:
    explicit FlowDistilled(std::vector<int> stepList = {kDistilledStepList.begin(), kDistilledStepList.end()},
                           double shift = kDistilledShift);
    torch::Tensor modelTimestep(int index) const override;
    torch::Tensor step(const torch::Tensor& modelOutput, std::int64_t timestep,
                       const torch::Tensor& sample) override;

protected:
    // A first-order solver without history, like Euler (its state is the step index).
    Solver solver() const override { return Solver::Euler; }
    void exportHistory(SchedulerState&) const override {}
    void importHistory(const SchedulerState&, const torch::Device&) override {}

private:
    torch::Tensor m_modelTimesteps; // float32 [N]
};

// Throws wan::Error(InvalidArgument) for steps < 1 or shift <= 0.
std::unique_ptr<Scheduler> makeScheduler(Solver solver, int steps, double shift);

} // namespace wan::sampling
