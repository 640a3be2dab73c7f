#include "Theme.h"

#include <QGuiApplication>
#include <QStyleHints>

#include <spdlog/spdlog.h>

#include <cmath>
#include <optional>

namespace wan::ui {

QString themeChoiceName(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    case ThemeChoice::System:
        break;
    }
    return QStringLiteral("system");
}

ThemeChoice themeChoiceFromName(const QString& name)
{
    if (name == QLatin1String("light"))
        return ThemeChoice::Light;
    if (name == QLatin1String("dark"))
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

bool systemPrefersDark(const QPalette& systemPalette, ColorScheme reported)
{
    if (reported != ColorScheme::Unknown)
        return reported == ColorScheme::Dark;
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    if (const QStyleHints* hints = QGuiApplication::styleHints()) {
        if (hints->colorScheme() != Qt::ColorScheme::Unknown)
            return hints->colorScheme() == Qt::ColorScheme::Dark;
    }
#endif
    return isDarkPalette(systemPalette);
}

namespace {

QPalette makePalette(const QColor& window, const QColor& text, const QColor& base, const QColor& alternate,
                     const QColor& button, const QColor& highlight, const QColor& link,
                     const QColor& disabled)
{
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, alternate);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabled);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, button);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, link);
    palette.setColor(QPalette::LinkVisited, link.darker(120));
    palette.setColor(QPalette::Light, button.lighter(150));
    palette.setColor(QPalette::Midlight, button.lighter(125));
    palette.setColor(QPalette::Mid, button.darker(130));
    palette.setColor(QPalette::Dark, button.darker(160));
    palette.setColor(QPalette::Shadow, Qt::black);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, disabled);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, button.darker(110));
    return palette;
}

// WCAG relative luminance.
double luminance(const QColor& color)
{
    const auto channel = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
           0.0722 * channel(color.blueF());
}

} // namespace

QPalette lightPalette()
{
    return makePalette(QColor(0xef, 0xef, 0xef), QColor(0x1e, 0x1e, 0x1e), Qt::white,
                       QColor(0xf5, 0xf5, 0xf5), QColor(0xe6, 0xe6, 0xe6), QColor(0x30, 0x8c, 0xc6),
                       QColor(0x1f, 0x5f, 0xa8), QColor(0x9a, 0x9a, 0x9a));
}

QPalette darkPalette()
{
    return makePalette(QColor(0x2b, 0x2b, 0x2e), QColor(0xe8, 0xe8, 0xea), QColor(0x1e, 0x1e, 0x21),
                       QColor(0x27, 0x27, 0x2b), QColor(0x37, 0x37, 0x3b), QColor(0x2f, 0x6f, 0xb0),
                       QColor(0x7c, 0xb7, 0xff), QColor(0x7a, 0x7a, 0x80));
}

QPalette paletteFor(ThemeChoice choice, const QPalette& systemPalette, ColorScheme reported)
{
    switch (choice) {
    case ThemeChoice::Light:
        return lightPalette();
    case ThemeChoice::Dark:
        return darkPalette();
    case ThemeChoice::System:
        break;
    }
    const bool dark = systemPrefersDark(systemPalette, reported);
    if (dark && !isDarkPalette(systemPalette))
        return darkPalette();
    if (!dark && isDarkPalette(systemPalette))
        return lightPalette();
    return systemPalette;
}

QColor semanticColor(SemanticColor role, const QPalette& palette)
{
    const bool dark = isDarkPalette(palette);
    switch (role) {
    case SemanticColor::Ok:
        return dark ? QColor(0x6f, 0xd3, 0x8a) : QColor(0x1e, 0x7a, 0x3c);
    case SemanticColor::Warning:
        return dark ? QColor(0xf2, 0xc1, 0x4e) : QColor(0x9a, 0x5b, 0x00);
    case SemanticColor::Error:
        break;
    }
    return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
}

QColor semanticColor(SemanticColor role)
{
    return semanticColor(role, QGuiApplication::palette());
}

QString semanticStyleSheet(SemanticColor role)
{
    return QStringLiteral("color: %1;").arg(semanticColor(role).name());
}

QString semanticHtml(SemanticColor role, const QString& html)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(semanticColor(role).name(), html);
}

double contrastRatio(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

namespace {

// The theme as applied: the choice, the system palette it was applied over and the desktop's scheme.
struct AppliedTheme
{
    ThemeChoice choice = ThemeChoice::System;
    std::optional<QPalette> startPalette;  // the application's palette before the first applyTheme(choice)
    std::optional<QPalette> systemPalette; // the one the last applyTheme used
    ColorScheme reported = ColorScheme::Unknown;
};

AppliedTheme& applied()
{
    static AppliedTheme theme;
    return theme;
}

} // namespace

void applyTheme(ThemeChoice choice)
{
    auto& theme = applied();
    if (!theme.startPalette)
        theme.startPalette = QGuiApplication::palette();
    applyTheme(choice, *theme.startPalette);
}

void applyTheme(ThemeChoice choice, const QPalette& systemPalette)
{
    auto& theme = applied();
    theme.choice = choice;
    theme.systemPalette = systemPalette;
    const QPalette palette = paletteFor(choice, systemPalette, theme.reported);
    spdlog::info("Theme: {} ({})", themeChoiceName(choice).toStdString(),
                 isDarkPalette(palette) ? "dark" : "light");
    QGuiApplication::setPalette(palette);
}

ThemeChoice appliedThemeChoice()
{
    return applied().choice;
}

bool setSystemColorScheme(ColorScheme scheme)
{
    auto& theme = applied();
    if (theme.reported == scheme)
        return false;
    theme.reported = scheme;
    if (theme.choice != ThemeChoice::System || !theme.systemPalette)
        return false;
    const QPalette before = QGuiApplication::palette();
    applyTheme(ThemeChoice::System, *theme.systemPalette);
    return QGuiApplication::palette() != before;
}

ColorScheme systemColorScheme()
{
    return applied().reported;
}

} // namespace wan::ui
