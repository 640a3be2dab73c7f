#pragma once

#include "wan/Error.h"

#include <QString>

namespace wan::ui {

// A failed job in plain words: what happened (the engine's message) and what the user can do about it.
QString errorAdvice(wan::ErrorKind kind);
QString userErrorMessage(wan::ErrorKind kind, const QString& detail);

} // namespace wan::ui
