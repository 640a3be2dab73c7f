#include "SemanticStyle.h"

#include <QApplication>
#include <QEvent>
#include <QPointer>
#include <QWidget>

namespace wan::ui {

namespace {

constexpr const char* kRoleProperty = "wanSemanticRole";
constexpr const char* kExtraProperty = "wanSemanticCss";

void applyStyle(QWidget* widget)
{
    const int role = widget->property(kRoleProperty).toInt();
    if (role == 0) {
        widget->setStyleSheet(QString());
        return;
    }
    const QString extra = widget->property(kExtraProperty).toString();
    widget->setStyleSheet(semanticStyleSheet(SemanticColor(role)) +
                          (extra.isEmpty() ? QString() : QLatin1Char(' ') + extra));
}

// One filter on the application: on a palette change, every widget styled here gets its shade again.
class PaletteFollower final : public QObject
{
public:
    using QObject::QObject;

    static void ensure()
    {
        static QPointer<PaletteFollower> instance;
        if (!instance && qApp) {
            instance = new PaletteFollower(qApp);
            qApp->installEventFilter(instance);
        }
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange) {
            for (QWidget* widget : QApplication::allWidgets())
                if (widget->property(kRoleProperty).toInt() != 0)
                    applyStyle(widget);
        }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void setSemanticStyle(QWidget* widget, std::optional<SemanticColor> role, const QString& extraCss)
{
    PaletteFollower::ensure();
    widget->setProperty(kRoleProperty, role ? int(*role) : 0);
    widget->setProperty(kExtraProperty, role ? extraCss : QString());
    applyStyle(widget);
}

} // namespace wan::ui
