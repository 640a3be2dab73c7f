#pragma once
// "Variations…": from one request, a group of jobs queued together — N seeds, or a small grid over guidance,
// shift and steps — each checked by the core's rules (wan::validate); and what the contact sheet needs to
// compare and sort out the group's results.

#include "JobTypes.h"

#include <QList>
#include <QSize>
#include <QString>

#include <functional>

class QRandomGenerator;

namespace wan::ui {

class RenderQueueModel;

// What varies across a group. The stable names are the request's JSON keys.
enum class VariationAxis
{
    Seed = 1,
    GuideScale,
    Shift,
    Steps
};
QString variationAxisName(VariationAxis axis); // "seed", "guide_scale", "shift", "steps"
std::optional<VariationAxis> variationAxisFromName(const QString& name);
QString variationAxisText(VariationAxis axis); // translated: "Seed", "Guidance", "Shift", "Steps"

inline constexpr int kMaxVariations = 16; // cells in one group
inline constexpr int kMinSeedVariations = 2;

struct VariationSpec
{
    enum class Kind
    {
        Seeds = 1, // seedCount jobs that differ only in the seed
        Grid       // every combination of the listed values (an empty list keeps the base's value)
    };
    Kind kind = Kind::Seeds;
    int seedCount = 4;
    QList<double> guideScales;
    QList<double> shifts;
    QList<int> steps;
};

struct VariationPlan
{
    QList<wan::Request> requests; // in cell order
    QList<VariationTag> tags;     // one per request, all of one new group
    QString error;                // for the user; empty when the plan can be queued
    QString reason;               // the core's wan::reason code when a cell breaks its rules
    bool isValid() const { return error.isEmpty() && !requests.isEmpty(); }
};

// The group's requests from `base`:
// - Seeds: a fixed base seed s gives s, s+1, …, s+N-1; a random base seed (-1) gives N distinct seeds drawn
//   now from `random` (the global generator when null, in [0, 2^53) like the queue's own draw), so that every
//   cell is labelled and can be made again.
// - Grid: guidance is the outermost axis, steps the innermost: cells run through the innermost values first.
//   The sheet's columns are the innermost varied axis's values when two or more axes vary.
// Every cell is checked with wan::validate (with a stand-in output file when the base has none, as queued
// requests get theirs when they start); the first broken rule refuses the plan with the core's reason.
VariationPlan planVariations(const wan::Request& base, const VariationSpec& spec,
                             QRandomGenerator* random = nullptr);

// "4, 5.5, 6" (the locale's decimal point, or '.'; commas, semicolons or spaces between): false with a
// message naming the value that is not a number.
bool parseVariationValues(const QString& text, QList<double>* values, QString* error);

// The varied values of a cell, e.g. "Seed 43" or "Guidance 4 · Shift 3".
QString variationLabel(const wan::Request& request, const VariationTag& tag);

// The contact sheet's grid for `cells` cells: width = columns, height = rows. `columns` 0: as square as fits
// (columns = ceil(sqrt(cells))).
QSize variationSheetGrid(int cells, int columns);

// The jobs of `group` in `jobs`, ordered by their cell index.
QList<const RenderJob*> variationGroupJobs(const QList<RenderJob>& jobs, const QUuid& group);

// `plan` over `base` instead of the request it was made from (the same request after its input pictures were
// copied for the queue): each cell keeps its seed, guidance, shift and steps.
VariationPlan withBaseInputs(const VariationPlan& plan, const wan::Request& base);

// The group the contact sheet opens on: that of `first` or else of `second` (job ids, null for none), or the
// newest group in `jobs`; null when there is none.
QUuid variationGroupToCompare(const QList<RenderJob>& jobs, const QUuid& first, const QUuid& second);

// A queued job per cell, made from `base` the way the queue's Duplicate copies a job (no output, latents or
// checkpoint of the base's, its thumbnail kept for an image-to-video job).
QList<RenderJob> variationJobs(const RenderJob& base, const VariationPlan& plan);

// "Discard the others": every job of `keep`'s group but `keep` leaves the queue, and the folders of those
// that ran go to the trash through `moveToTrash` (unset: QFile::moveToTrash). The running job is left alone
// (cancel it first). Returns the number of jobs removed; `problems` gets a sentence per folder not trashed.
using TrashFunction = std::function<bool(const QString& path)>;
int discardOtherVariations(RenderQueueModel* queue, const QUuid& keep, const TrashFunction& moveToTrash = {},
                           QStringList* problems = nullptr);

} // namespace wan::ui
