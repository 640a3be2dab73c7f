#pragma once

#include "wan/Error.h"

#include <QString>

namespace wan::ui {

// A failed job in the user's language: a translated sentence for the engine's wan::reason code (or, for
// another code, a headline for the kind), what the user can do about it, and the engine's own English text
// (file names, numbers) last, as the details.
// `reason`: the engine's wan::reason code (Result::errorReason, wan::Error::reason()).
QString errorHeadline(wan::ErrorKind kind);
// Empty for a code the GUI does not know (then errorHeadline() stands first).
QString reasonText(const QString& reason);
// Where the GUI knows better advice for `reason`, that replaces the advice for the kind.
QString errorAdvice(wan::ErrorKind kind, const QString& reason = {});
QString userErrorMessage(wan::ErrorKind kind, const QString& detail, const QString& reason = {});
// The same for a wan::Error thrown by the engine's checks (wan::validate), e.g. before queueing.
QString userErrorMessage(const wan::Error& error);

} // namespace wan::ui
