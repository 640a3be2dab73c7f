#pragma once
// The tiny fixtures' end-to-end cases (reference/e2e_<name>.json, written by the official scripts) as engine
// Requests: one reading of the official parameters for every test that reruns a case (the official layout,
// converted layouts, resumed runs).

#include "wan/Pipeline.h"

#include <QJsonObject>

#include <filesystem>
#include <string>

namespace wan::test {

// reference/e2e_<name>.json of `fixtureDir`; empty when the file is missing or not a JSON object.
QJsonObject readReferenceCase(const std::filesystem::path& fixtureDir, const std::string& name);

// The Request that reproduces the case `params` (read from `fixtureDir`'s reference folder) on the CPU in
// float32, with `fixtureDir` as the model folder. T2V/T2I take the case's size; I2V and FLF2V its max_area
// (as width x 1: any factorisation gives the area); VACE its PNG sources, copied into `work` as a folder of
// source frames and one of mask frames (size and frame count then come from the sources, as in the official
// generate()).
Request referenceRequest(const std::filesystem::path& fixtureDir, const QJsonObject& params,
                         const std::filesystem::path& work = {});

} // namespace wan::test
