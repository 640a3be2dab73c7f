#include "VariationTag.h"

#include <QJsonArray>

namespace wan::ui {

QJsonObject variationTagToJson(const VariationTag& tag)
{
    QJsonObject o;
    o[QStringLiteral("group")] = tag.group.toString(QUuid::WithoutBraces);
    o[QStringLiteral("index")] = tag.index;
    o[QStringLiteral("count")] = tag.count;
    o[QStringLiteral("columns")] = tag.columns;
    o[QStringLiteral("axes")] = QJsonArray::fromStringList(tag.axes);
    o[QStringLiteral("kept")] = tag.kept;
    return o;
}

std::optional<VariationTag> variationTagFromJson(const QJsonValue& value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject o = value.toObject();
    VariationTag tag;
    tag.group = QUuid::fromString(o.value(QLatin1String("group")).toString());
    tag.index = o.value(QLatin1String("index")).toInt(-1);
    tag.count = o.value(QLatin1String("count")).toInt();
    tag.columns = std::max(0, o.value(QLatin1String("columns")).toInt());
    for (const QJsonValue& axis : o.value(QLatin1String("axes")).toArray())
        tag.axes.append(axis.toString());
    tag.kept = o.value(QLatin1String("kept")).toBool();
    if (!tag.isValid())
        return std::nullopt;
    return tag;
}

} // namespace wan::ui
