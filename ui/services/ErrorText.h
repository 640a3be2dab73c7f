#pragma once

#include "wan/Error.h"

#include <QString>

namespace wan::ui {

// A failed job in plain words: what happened (the engine's message) and what the user can do about it.
// `reason`: the engine's wan::reason code (Result::errorReason); where the GUI knows better advice for it,
// that replaces the advice for the kind.
QString errorAdvice(wan::ErrorKind kind, const QString& reason = {});
QString userErrorMessage(wan::ErrorKind kind, const QString& detail, const QString& reason = {});

} // namespace wan::ui
