// A headless render queue for the kill test (test_queuekill): loads <data>/queue.json as the app does,
// runs every queued job with the real engine into <output>, saving the queue on every change, and exits
// when nothing is left to run. With --add N FIXTURE it first adds N t2v jobs on that fixture folder (when
// the queue is empty). Prints "stage <name>" and "queue saved" lines for the test to aim its kills at.
#include "EngineAdapters.h"
#include "InferenceBridge.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "StalePartials.h"

#include <QDateTime>
#include <QDir>
#include <QGuiApplication>
#include <QTimer>

#include <cstdio>

using namespace wan::ui;

namespace {

const char* stageName(wan::Stage stage)
{
    switch (stage) {
    case wan::Stage::Loading:
        return "loading";
    case wan::Stage::EncodingText:
        return "text";
    case wan::Stage::EncodingImage:
        return "image";
    case wan::Stage::Denoising:
        return "denoising";
    case wan::Stage::Decoding:
        return "decoding";
    case wan::Stage::Writing:
        return "writing";
    }
    return "";
}

RenderJob fixtureJob(const QString& fixture, int index)
{
    RenderJob job;
    wan::Request& r = job.request;
    r.task = wan::Task::T2V;
    r.ckptDir = fixture.toStdString();
    r.prompt = "Two anthropomorphic cats in comfy boxing gear fight on a spotlighted stage, take " +
               std::to_string(index);
    r.width = 48;
    r.height = 32;
    r.frameNum = 9;
    r.steps = 8;
    r.shift = 5.0;
    r.seed = 40 + index;
    r.solver = index % 2 == 0 ? wan::Solver::UniPC : wan::Solver::DpmPP;
    r.device = "cpu";
    r.precision = wan::Precision::Float32;
    r.checkpointEverySteps = 1; // every step, so kills in denoising resume mid-way
    return job;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    const QDateTime processStart = QDateTime::currentDateTime();
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: queue_headless DATA_DIR OUTPUT_DIR [--add N FIXTURE_DIR]\n");
        return 2;
    }
    const QString dataDir = args.at(1);
    const QString outputDir = args.at(2);
    QDir().mkpath(dataDir);
    QueueStore store(QDir(dataDir).filePath(QStringLiteral("queue.json")));
    const QueueLoadReport report = store.load();
    if (!report.problem.isEmpty()) {
        std::fprintf(stderr, "queue.json: %s\n", qPrintable(report.problem));
        return 3;
    }
    RenderQueueModel model(&store);
    model.setSaveDelayMs(0); // every change on disk at once: many saves to kill
    model.setJobs(report.jobs);
    if (args.size() >= 5 && args.at(3) == QLatin1String("--add") && report.jobs.isEmpty())
        for (int i = 0; i < args.at(4).toInt(); ++i)
            model.addJob(fixtureJob(args.at(5), i));
    model.flush();

    InferenceBridge bridge(engineRunnerFactory());
    // As the app does at start: partial files a killed earlier run left in the output and job folders.
    removeStalePartialFiles(outputDir, processStart);
    QueueRunner runner(&model, &bridge, outputDir);
    int saves = store.saveCount();
    wan::Stage lastStage{};
    QObject::connect(&runner, &QueueRunner::jobProgress, &app, [&](const QUuid&, const JobProgress& p) {
        if (p.stage != lastStage) {
            lastStage = p.stage;
            std::printf("stage %s\n", stageName(p.stage));
            std::fflush(stdout);
        }
    });
    QObject::connect(&model, &QAbstractItemModel::dataChanged, &app, [&] {
        if (store.saveCount() != saves) {
            saves = store.saveCount();
            std::printf("queue saved\n");
            std::fflush(stdout);
        }
    });
    const auto finishIfIdle = [&] {
        if (!model.nextQueued() && !model.runningJob()) {
            model.flush();
            app.quit();
        }
    };
    QObject::connect(&runner, &QueueRunner::jobFinished, &app, [&](const QUuid&, const JobOutcome& outcome) {
        lastStage = {};
        std::printf("job %s%s%s\n", outcome.status == wan::JobStatus::Done ? "done" : "not done",
                    outcome.error.isEmpty() ? "" : ": ", qPrintable(outcome.error));
        std::fflush(stdout);
        QTimer::singleShot(0, &app, finishIfIdle);
    });
    QTimer::singleShot(0, &app, finishIfIdle);
    const int rc = app.exec();
    bridge.shutdown();
    for (const auto& job : model.jobs())
        if (job.state != JobState::Done)
            return 4;
    return rc;
}
