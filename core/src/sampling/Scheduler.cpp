#include "sampling/Scheduler.h"

#include "wan/Error.h"

#include <cmath>

namespace wan::sampling {

std::vector<double> linspace(double start, double stop, int num)
{
    std::vector<double> y(std::size_t(std::max(num, 0)));
    if (num <= 0)
        return y;
    if (num == 1) {
        y[0] = start;
        return y;
    }
    const double div = double(num - 1);
    const double delta = stop - start;
    const double step = delta / div;
    for (int i = 0; i < num; ++i)
        y[std::size_t(i)] = (step == 0.0 ? double(i) / div * delta : double(i) * step) + start;
    y.back() = stop;
    return y;
}

std::vector<double> shiftSigmas(const std::vector<double>& sigmas, double shift)
{
    std::vector<double> out(sigmas.size());
    for (std::size_t i = 0; i < sigmas.size(); ++i)
        out[i] = shift * sigmas[i] / (1.0 + (shift - 1.0) * sigmas[i]);
    return out;
}

std::vector<double> samplingSigmas(int steps, double shift)
{
    auto sigmas = linspace(1.0, 0.0, steps + 1);
    sigmas.pop_back();
    return shiftSigmas(sigmas, shift);
}

void Scheduler::setSchedule(const std::vector<double>& sigmas)
{
    const auto n = std::int64_t(sigmas.size());
    m_timesteps = torch::empty({n}, torch::kInt64);
    m_sigmas = torch::empty({n + 1}, torch::kFloat32);
    auto* t = m_timesteps.data_ptr<std::int64_t>();
    auto* s = m_sigmas.data_ptr<float>();
    for (std::int64_t i = 0; i < n; ++i) {
        t[i] = std::int64_t(sigmas[std::size_t(i)] * 1000.0); // truncation, as a float64 -> int64 cast
        s[i] = float(sigmas[std::size_t(i)]);
    }
    s[n] = 0.0f;
    m_stepIndex = -1;
}

int Scheduler::beginStep(std::int64_t timestep)
{
    if (m_stepIndex >= 0)
        return m_stepIndex;
    const auto* t = m_timesteps.data_ptr<std::int64_t>();
    std::vector<int> hits;
    for (int i = 0; i < numSteps(); ++i)
        if (t[i] == timestep)
            hits.push_back(i);
    if (hits.empty())
        throw Error(ErrorKind::Internal,
                    "scheduler: timestep " + std::to_string(timestep) + " is not part of the schedule");
    m_stepIndex = hits.size() > 1 ? hits[1] : hits[0];
    return m_stepIndex;
}

namespace {

std::int64_t integerOf(const SchedulerState& state, const std::string& name)
{
    const auto it = state.integers.find(name);
    if (it == state.integers.end())
        throw Error(ErrorKind::CorruptFile, "sampler state: \"" + name + "\" is missing");
    return it->second;
}

std::string solverName(std::int64_t solver)
{
    const auto name = enumDisplayKey(Solver(solver));
    return name.empty() ? "unknown (" + std::to_string(solver) + ")" : std::string(name);
}

} // namespace

SchedulerState Scheduler::exportState() const
{
    SchedulerState state;
    state.integers["solver"] = std::int64_t(solver());
    state.integers["num_steps"] = numSteps();
    state.integers["step_index"] = stepsDone();
    exportHistory(state);
    for (auto& [name, tensor] : state.tensors)
        tensor = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return state;
}

void Scheduler::importState(const SchedulerState& state, const torch::Device& device)
{
    if (integerOf(state, "solver") != std::int64_t(solver()))
        throw Error(ErrorKind::CorruptFile,
                    "sampler state: saved by the " + solverName(integerOf(state, "solver")) +
                        " sampler, this run uses " + solverName(std::int64_t(solver())));
    if (integerOf(state, "num_steps") != numSteps())
        throw Error(ErrorKind::CorruptFile, "sampler state: saved for " +
                                                std::to_string(integerOf(state, "num_steps")) +
                                                " steps, this run has " + std::to_string(numSteps()));
    const auto index = integerOf(state, "step_index");
    if (index < 0 || index > numSteps())
        throw Error(ErrorKind::CorruptFile,
                    "sampler state: step index " + std::to_string(index) + " is out of range");
    importHistory(state, device);
    // 0: the first step() locates its timestep exactly as a fresh scheduler does.
    m_stepIndex = index == 0 ? -1 : int(index);
}

torch::Tensor Scheduler::stateTensor(const SchedulerState& state, const std::string& name, bool required,
                                     const torch::Device& device)
{
    const auto it = state.tensors.find(name);
    if (it == state.tensors.end() || !it->second.defined()) {
        if (required)
            throw Error(ErrorKind::CorruptFile, "sampler state: tensor \"" + name + "\" is missing");
        return {};
    }
    return it->second.to(device, torch::kFloat32);
}

std::int64_t Scheduler::stateInteger(const SchedulerState& state, const std::string& name, std::int64_t min,
                                     std::int64_t max)
{
    const auto value = integerOf(state, name);
    if (value < min || value > max)
        throw Error(ErrorKind::CorruptFile,
                    "sampler state: \"" + name + "\" = " + std::to_string(value) + " is out of range");
    return value;
}

std::unique_ptr<Scheduler> makeScheduler(Solver solver, int steps, double shift)
{
    if (steps < 1 || steps > 1000)
        throw Error(ErrorKind::InvalidArgument,
                    "sample steps must be between 1 and 1000 (got " + std::to_string(steps) + ")");
    if (!(shift > 0.0) || !std::isfinite(shift))
        throw Error(ErrorKind::InvalidArgument, "sample shift must be a positive number");
    switch (solver) {
    case Solver::UniPC:
        return std::make_unique<FlowUniPC>(steps, shift);
    case Solver::DpmPP:
        return std::make_unique<FlowDpmSolver>(steps, shift);
    case Solver::Euler:
        return std::make_unique<FlowEuler>(steps, shift);
    }
    throw Error(ErrorKind::InvalidArgument, "unknown sample solver");
}

} // namespace wan::sampling
