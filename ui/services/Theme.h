#pragma once
// Light and dark: the app's palette (the system's, or a light or dark one the user chose) and the few
// colours with a meaning (ok, warning, error) in a shade that reads on that palette. Widgets take colours
// from the palette's roles or from here, never as literals.

#include <QColor>
#include <QPalette>
#include <QString>

namespace wan::ui {

enum class ThemeChoice
{
    System = 1, // follow the system's light or dark
    Light,
    Dark
};

// "system", "light", "dark" (the settings' form) and back; an unknown name is System.
QString themeChoiceName(ThemeChoice choice);
ThemeChoice themeChoiceFromName(const QString& name);

// What the desktop says it prefers (SystemColorScheme watches it while the app runs).
enum class ColorScheme
{
    Unknown = 0,
    Dark,
    Light
};

// Whether a palette is a dark one: light text on a dark window.
bool isDarkPalette(const QPalette& palette);
// Whether the system asks for dark: `reported` when known, else Qt's colour scheme where this Qt has one
// (6.5+), else the lightness of `systemPalette`'s window.
bool systemPrefersDark(const QPalette& systemPalette, ColorScheme reported = ColorScheme::Unknown);

QPalette lightPalette();
QPalette darkPalette();
// The palette for `choice`: `systemPalette` itself for System, or the dark (light) one when the system asks
// for dark (light) but its palette is the other, as with styles that ignore the scheme.
QPalette paletteFor(ThemeChoice choice, const QPalette& systemPalette,
                    ColorScheme reported = ColorScheme::Unknown);

enum class SemanticColor
{
    Ok = 1,
    Warning,
    Error
};
// A shade of the meaning that reads on `palette`'s window (light shades on dark palettes).
QColor semanticColor(SemanticColor role, const QPalette& palette);
// The same on the application's palette.
QColor semanticColor(SemanticColor role);
// "color: #rrggbb;" for a label's style sheet, on the application's palette.
QString semanticStyleSheet(SemanticColor role);
// `html` in a span of that colour, for rich-text labels.
QString semanticHtml(SemanticColor role, const QString& html);

// The contrast ratio of two colours (WCAG, 1..21).
double contrastRatio(const QColor& a, const QColor& b);

// Makes `choice` the application's palette; `systemPalette` is the one the app started with. The desktop's
// reported scheme (setSystemColorScheme) is taken into account for System.
void applyTheme(ThemeChoice choice, const QPalette& systemPalette);
// The same with the palette the application had before the first call.
void applyTheme(ThemeChoice choice);
// The choice applied last (System before any).
ThemeChoice appliedThemeChoice();

// The desktop's scheme changed (or was first learnt): with System applied, the palette is applied again
// over the same system palette. Returns whether the application's palette was replaced.
bool setSystemColorScheme(ColorScheme scheme);
ColorScheme systemColorScheme();

namespace theme_settings_keys {
inline constexpr const char* kTheme = "ui/theme";
} // namespace theme_settings_keys

} // namespace wan::ui
