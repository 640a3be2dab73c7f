#pragma once
// A widget's text in a colour with a meaning (ok, warning, error) that stays readable when the theme changes
// while the app runs: the shade is picked for the current palette and picked again on every application
// palette change (View → Theme, or the desktop switching light and dark).

#include "Theme.h"

#include <QString>

#include <optional>

class QWidget;

namespace wan::ui {

// Sets `widget`'s style sheet to `role`'s shade plus `extraCss` (e.g. "font-weight: bold;"); std::nullopt
// clears both (the palette's own colour).
void setSemanticStyle(QWidget* widget, std::optional<SemanticColor> role, const QString& extraCss = {});

} // namespace wan::ui
