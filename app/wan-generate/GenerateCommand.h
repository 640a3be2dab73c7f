#pragma once
// Turns parsed options into an engine Request (official defaults per task) and runs it with a progress bar.

#include "CliOptions.h"

#include "wan/ModelFolder.h"
#include "wan/Pipeline.h"

namespace wan::cli {

// The request the options describe. `folderType` is the folder's config.json model_type, used when --task
// is not given and to reject a task the folder cannot run; `smallModel` (a DiT no wider than the 1.3B one)
// makes t2v-1.3B / vace-1.3B the default task instead of the 14B one. Throws wan::Error(InvalidArgument).
Request buildRequest(const CliOptions& options, ModelType folderType, bool smallModel = false);

// The process exit code for an error kind: 2 bad arguments, 3 model folder or checkpoint, 4 input image,
// 5 out of memory, 130 interrupted, 1 otherwise.
int exitCodeFor(ErrorKind kind);

// Runs the job; returns the process exit code (0 done, 130 interrupted, else by error kind).
int runGenerate(const CliOptions& options);

} // namespace wan::cli
