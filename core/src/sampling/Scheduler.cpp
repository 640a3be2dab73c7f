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
