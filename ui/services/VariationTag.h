#pragma once
// Which group of variations a render job belongs to ("Variations…": N seeds, or a grid over guidance, shift
// and steps, queued as one group). Stored with the job in the queue file and in its folder's settings.json
// (the "variation" key, which wan::fromJson ignores).

#include <QJsonObject>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace wan::ui {

struct VariationTag
{
    QUuid group;       // null: the job is no variation
    int index = 0;     // its cell in the group, 0-based, in the order the group was made
    int count = 0;     // cells in the group
    int columns = 0;   // the contact sheet's columns; 0: as square as the count allows
    QStringList axes;  // what varies across the group: "seed", "guide_scale", "shift", "steps"
    bool kept = false; // the group's one result the user kept

    bool isValid() const { return !group.isNull() && count > 0 && index >= 0 && index < count; }
    bool operator==(const VariationTag&) const = default;
};

QJsonObject variationTagToJson(const VariationTag& tag);
// nullopt for anything that is not a valid tag (an old file without one, a damaged value).
std::optional<VariationTag> variationTagFromJson(const QJsonValue& value);

} // namespace wan::ui
