#pragma once
// Honest progress and ETA across a job's stages (loading, prompt, image, denoising, decoding, writing) from
// the stage/step reports the inference thread already sends, with stage costs measured on earlier jobs.

#include "JobTypes.h"

#include <QList>
#include <QString>

#include <array>

class QSettings;

namespace wan::ui {

// What a job costs, stage by stage, in seconds (denoising per step and per latent frame so that one
// measurement serves other lengths of the same model and size).
struct StageCosts
{
    double loadingSeconds = 0.0;
    // The prompt and, for I2V, FLF2V and VACE, the image(s): one phase, since the engine interleaves them.
    double encodingSeconds = 0.0;
    double stepSecondsPerLatentFrame = 0.0;
    double decodingSecondsPerLatentFrame = 0.0;
    double writingSeconds = 0.0;
};

// The facts of a request that its costs depend on.
struct JobShape
{
    QString costKey; // device, model and resolution: "auto|Wan2.1-T2V-1.3B|832x480"
    bool large = false;
    bool gpu = true;
    bool imageStage = false;
    int latentFrames = 21;
    int steps = 50;
    int pixels = 832 * 480;
};

JobShape jobShape(const wan::Request& request);
// First-run guesses: rough figures for a recent desktop GPU, or a CPU (both scaled by pixels and frames).
StageCosts defaultStageCosts(const JobShape& shape);

// Measured costs, remembered per device, model and resolution in QSettings ("stageCosts/<costKey>"); with no
// QSettings (tests) in memory only. A key never measured borrows the nearest resolution of the same device
// and model, scaled by pixels, else the defaults.
class StageCostStore final
{
public:
    explicit StageCostStore(QSettings* settings = nullptr);
    Q_DISABLE_COPY_MOVE(StageCostStore)

    StageCosts costsFor(const JobShape& shape) const;
    // Keeps what was measured (a stage measured as < 0 keeps the old figure).
    void remember(const JobShape& shape, const StageCosts& measured);
    bool hasMeasured(const JobShape& shape) const;

private:
    struct Entry
    {
        QString key;
        StageCosts costs;
        int pixels = 0;
    };
    void load();
    QString prefixOf(const QString& key) const; // "device/model"

    QSettings* m_settings = nullptr;
    QList<Entry> m_entries;
};

// The ETA of one running job. Pure: the caller passes the time (seconds since the job started) with every
// report and query. Stages that the job skips (Loading when the models are already loaded) drop out as soon
// as a later stage reports; a stage that overruns its estimate keeps a small remainder, so the ETA reaches 0
// only at the end and never grows while the job runs as remembered.
class StageEta final
{
public:
    // The phases in order: loading, encoding (text and image), denoising, decoding, writing.
    enum Phase
    {
        Loading,
        Encoding,
        Denoising,
        Decoding,
        Writing,
        PhaseCount
    };
    static Phase phaseOf(wan::Stage stage);

    StageEta(); // the first-run defaults of a 1.3B model at 832×480
    StageEta(const JobShape& shape, const StageCosts& expected, bool expectLoading = true);

    void report(const JobProgress& progress, double nowSeconds);
    void finish(double nowSeconds);

    double remainingSeconds(double nowSeconds) const;
    // Elapsed / (elapsed + remaining): moves with the clock, so the bar never freezes in a stage.
    double fraction(double nowSeconds) const;
    bool isFinished() const { return m_finished; }
    Phase phase() const { return Phase(m_current); }
    double expectedTotalSeconds() const;
    // What this job measured, for StageCostStore::remember (stages not seen: -1).
    StageCosts measured() const;

private:
    double stageRemaining(double nowSeconds) const;
    void enterPhase(int phase, double nowSeconds);

    JobShape m_shape;
    std::array<double, PhaseCount> m_expected{}; // seconds per phase, this job
    std::array<double, PhaseCount> m_took{-1, -1, -1, -1, -1};
    std::array<bool, PhaseCount> m_seen{};
    int m_current = 0;
    double m_stageStart = 0.0;
    double m_lastReport = 0.0;
    double m_stageRemainingAtReport = 0.0; // the current phase's remaining time as of the last report
    int m_firstStep = 0;                   // the step the phase started at (a resumed job's denoising)
    int m_stepsDone = 0;
    int m_stepsTotal = 0;
    int m_denoisingSteps = 0; // as the engine counted them (a draft job runs fewer than the request's)
    int m_denoisedSteps = 0;  // the steps this job runs (fewer when resumed)
    bool m_finished = false;
};

// Each job's ETA, in the list's order: the running job's remaining time (`runningRemaining`, < 0 when none
// runs), each Queued job's whole estimate from the remembered costs (loading counted once, for the first
// job, when nothing runs: consecutive jobs keep the models loaded), -1 for every other job. The queue dock's
// ETA column.
QList<double> jobEtaSeconds(const QList<RenderJob>& jobs, const StageCostStore& costs,
                            double runningRemaining);
// The queue's ETA: the sum of jobEtaSeconds (the status bar's).
double queueEtaSeconds(const QList<RenderJob>& jobs, const StageCostStore& costs, double runningRemaining);

} // namespace wan::ui
