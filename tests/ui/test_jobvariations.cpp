// "Variations…" of a queued job or a gallery result: the group's requests are the source's request but for
// the varied values (its seed the fixed start seed), the form and its prompt stay as the user left them, and
// the queue's and the gallery's right-click actions open the dialog on that job.
#include "FakeJobRunner.h"
#include "GalleryArchive.h"
#include "GalleryDock.h"
#include "GalleryModel.h"
#include "GenerationForm.h"
#include "InferenceBridge.h"
#include "JobVariations.h"
#include "MainWindow.h"
#include "ModelFolderPicker.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "VariationSheetDialog.h"
#include "VariationsDialog.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QListView>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace wan::ui;

namespace {
FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    check.ok = true;
    check.modelType = wan::ModelType::T2V;
    check.summary = dir;
    return check;
}

// A request far from the form's defaults, as a queued job carries it (model set, device and all).
wan::Request sourceRequest(qint64 seed)
{
    wan::Request r = wan::defaultRequest(wan::Task::T2V, wan::ModelSize::Small);
    r.ckptDir = "/models/other-t2v-1.3B";
    r.prompt = "a red kite over a windy beach";
    r.negativePrompt = std::string("blurry");
    r.width = 832;
    r.height = 480;
    r.frameNum = 21;
    r.seed = seed;
    r.steps = 14;
    r.shift = 4.0;
    r.guideScale = 5.5;
    r.device = "cpu";
    r.fps = 12;
    return r;
}

struct Studio
{
    explicit Studio(const QString& root)
        : settings(QDir(root).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
          store(QDir(root).filePath(QStringLiteral("queue.json"))), queue(&store),
          bridge(test::fakeRunnerFactory(&log)),
          runner(&queue, &bridge, QDir(root).filePath(QStringLiteral("out")))
    {
        runner.setQueuePaused(true); // nothing runs: the tests look at what was queued
    }

    StudioServices services()
    {
        StudioServices s;
        s.settings = &settings;
        s.queue = &queue;
        s.runner = &runner;
        s.bridge = &bridge;
        s.inspectFolder = &fakeInspect;
        return s;
    }

    test::FakeRunnerLog log;
    QSettings settings;
    QueueStore store;
    RenderQueueModel queue;
    InferenceBridge bridge;
    QueueRunner runner;
};

// The keys of the request JSON in which `a` and `b` differ.
QStringList differingKeys(const wan::Request& a, const wan::Request& b)
{
    const QJsonObject x = requestToJson(a), y = requestToJson(b);
    QStringList all = x.keys() + y.keys();
    all.removeDuplicates();
    QStringList keys;
    for (const QString& key : all)
        if (x.value(key) != y.value(key))
            keys.append(key);
    keys.sort();
    return keys;
}

// The jobs of the newest group in the queue.
QList<const RenderJob*> newestGroup(const RenderQueueModel& queue)
{
    const QUuid group = variationGroupToCompare(queue.jobs(), {}, {});
    return variationGroupJobs(queue.jobs(), group);
}

VariationSpec spec(const QString& kind)
{
    VariationSpec s;
    if (kind == QLatin1String("seeds")) {
        s.seedCount = 3;
    } else {
        s.kind = VariationSpec::Kind::Grid;
        s.guideScales = {3.0, 6.0};
        s.steps = {10, 20};
    }
    return s;
}

// Sets the next variations dialog to `count` seeds and presses OK; `seen` gets whether one showed.
void acceptNextVariations(int count, std::shared_ptr<bool> seen, int attempts = 200)
{
    QTimer::singleShot(30, [count, seen, attempts] {
        if (auto* dialog = qobject_cast<VariationsDialog*>(QApplication::activeModalWidget())) {
            dialog->seedsButton()->setChecked(true);
            dialog->seedCountBox()->setValue(count);
            *seen = true;
            dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
            return;
        }
        if (attempts > 0)
            acceptNextVariations(count, seen, attempts - 1);
    });
}

// A finished result in its job folder, as the runner leaves it.
QString resultFolder(const QString& root, const QString& name, const wan::Request& request)
{
    const QString folder = QDir(root).filePath(name);
    QDir().mkpath(folder);
    const QString output = QDir(folder).filePath(name + QStringLiteral(".mp4"));
    QFile video(output);
    video.open(QIODevice::WriteOnly);
    video.write("a video");
    wan::Request r = request;
    r.outputPath = output.toStdString();
    QFile settings(QDir(folder).filePath(QStringLiteral("settings.json")));
    settings.open(QIODevice::WriteOnly);
    settings.write(QJsonDocument(requestToJson(r)).toJson());
    return output;
}

void checkGroup(const RenderQueueModel& queue, const wan::Request& source, const QString& kind, int cells)
{
    const QList<const RenderJob*> group = newestGroup(queue);
    QCOMPARE(group.size(), cells);
    const QStringList allowed = kind == QLatin1String("seeds")
                                    ? QStringList{QStringLiteral("seed")}
                                    : QStringList{QStringLiteral("guide_scale"), QStringLiteral("steps")};
    wan::Request expected = source;
    expected.outputPath.clear();
    expected.latentsPath.clear();
    expected.resumeStatePath.clear();
    for (int i = 0; i < group.size(); ++i) {
        const RenderJob* job = group[i];
        QCOMPARE(job->state, JobState::Queued);
        for (const QString& key : differingKeys(job->request, expected))
            QVERIFY2(allowed.contains(key),
                     qPrintable(QStringLiteral("cell %1 differs in %2").arg(i).arg(key)));
        if (kind == QLatin1String("seeds"))
            QCOMPARE(job->request.seed, source.seed + i); // the source's seed is the fixed start seed
    }
}
} // namespace

class TestJobVariations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void baseOfAJob();
    void fromQueuedJob_data();
    void fromQueuedJob();
    void fromGalleryResult_data();
    void fromGalleryResult();
    void rightClickOpensTheDialog();
};

void TestJobVariations::initTestCase()
{
    qRegisterMetaType<RecallScope>();
}

void TestJobVariations::baseOfAJob()
{
    QTemporaryDir dir;
    RenderJob job;
    job.state = JobState::Done;
    job.request = sourceRequest(-1);
    job.request.outputPath = "/out/x/x.mp4";
    job.request.latentsPath = "/out/x/latents.safetensors";
    job.request.resumeStatePath = "/out/x/resume.safetensors";
    job.folder = dir.path();
    wan::Request used = sourceRequest(4242);
    QFile settings(dir.filePath(QStringLiteral("settings.json")));
    QVERIFY(settings.open(QIODevice::WriteOnly));
    settings.write(QJsonDocument(requestToJson(used)).toJson());
    settings.close();
    const wan::Request base = variationBaseOf(job);
    QCOMPARE(base.seed, qint64(4242)); // the seed the finished job was made with
    QVERIFY(base.outputPath.empty() && base.latentsPath.empty() && base.resumeStatePath.empty());
    QCOMPARE(differingKeys(base, used), QStringList());
    // A queued job asking for a random seed stays random: the group draws distinct seeds.
    job.state = JobState::Queued;
    QCOMPARE(variationBaseOf(job).seed, qint64(-1));
}

void TestJobVariations::fromQueuedJob_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("cells");
    QTest::newRow("seeds") << "seeds" << 3;
    QTest::newRow("grid of guidance and steps") << "grid" << 4;
}

void TestJobVariations::fromQueuedJob()
{
    QFETCH(QString, kind);
    QFETCH(int, cells);
    QTemporaryDir dir;
    Studio studio(dir.path());
    RenderJob source;
    source.request = sourceRequest(77);
    studio.queue.addJob(source);
    const QUuid id = studio.queue.jobs().first().id;
    MainWindow window(studio.services());
    window.modelPicker()->setFolder(QStringLiteral("/models/the-form-t2v"));
    QVERIFY(QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000));
    window.promptEditor()->setText(QStringLiteral("the user's draft, not to be touched"));
    const wan::Request formBefore = window.generationForm()->request();

    const VariationPlan plan = planVariations(variationBaseOf(*studio.queue.job(id)), spec(kind));
    QVERIFY2(plan.isValid(), qPrintable(plan.error));
    QCOMPARE(window.queueVariationsOf(id, &plan), QString());
    QCOMPARE(studio.queue.rowCount(), 1 + cells);
    checkGroup(studio.queue, sourceRequest(77), kind, cells);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("the user's draft, not to be touched"));
    QCOMPARE(differingKeys(window.generationForm()->request(), formBefore), QStringList());
    QCOMPARE(window.modelPicker()->folder(), QStringLiteral("/models/the-form-t2v"));
    QVERIFY(window.findChild<VariationSheetDialog*>()); // the group's sheet opens, as from the form
    // The source job is still there, unchanged.
    QCOMPARE(differingKeys(studio.queue.job(id)->request, sourceRequest(77)), QStringList());
}

void TestJobVariations::fromGalleryResult_data()
{
    QTest::addColumn<bool>("inQueue");
    QTest::newRow("finished job of the queue") << true;
    QTest::newRow("result in the output folder only") << false;
}

void TestJobVariations::fromGalleryResult()
{
    QFETCH(bool, inQueue);
    QTemporaryDir dir;
    Studio studio(dir.path());
    const wan::Request made = sourceRequest(1234);
    const QString output =
        resultFolder(dir.filePath(QStringLiteral("out")), QStringLiteral("20250110-100000_kite_1234"), made);
    QUuid id = archivedResultId(output);
    if (inQueue) {
        RenderJob job;
        job.id = QUuid::createUuid();
        job.state = JobState::Done;
        job.request = made;
        job.request.outputPath = output.toStdString();
        job.outputPath = output;
        job.folder = QFileInfo(output).absolutePath();
        job.finishedAt = QDateTime::currentDateTime();
        studio.queue.setJobs({job});
        id = job.id;
    }
    MainWindow window(studio.services());
    GalleryModel* gallery = window.galleryModel();
    QVERIFY(QTest::qWaitFor([&] { return !gallery->isArchiveScanning(); }, 5000));
    QCOMPARE(gallery->rowCount(), 1);
    QCOMPARE(gallery->idAt(0), id);
    QCOMPARE(gallery->isArchived(id), !inQueue);
    window.promptEditor()->setText(QStringLiteral("my own prompt"));

    const VariationPlan plan =
        planVariations(variationBaseOf(*gallery->job(id)), spec(QStringLiteral("seeds")));
    QVERIFY2(plan.isValid(), qPrintable(plan.error));
    QCOMPARE(window.queueVariationsOf(id, &plan), QString());
    QCOMPARE(studio.queue.rowCount(), (inQueue ? 1 : 0) + 3);
    checkGroup(studio.queue, made, QStringLiteral("seeds"), 3);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("my own prompt"));
    QVERIFY(QFileInfo::exists(output)); // the result itself is left as it is
}

void TestJobVariations::rightClickOpensTheDialog()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    RenderJob queued;
    queued.request = sourceRequest(500);
    studio.queue.addJob(queued);
    const QUuid queuedId = studio.queue.jobs().first().id;
    const QString output = resultFolder(dir.filePath(QStringLiteral("out")),
                                        QStringLiteral("20250111-100000_kite_900"), sourceRequest(900));
    MainWindow window(studio.services());
    window.show();
    window.promptEditor()->setText(QStringLiteral("still mine"));
    QVERIFY(QTest::qWaitFor([&] { return !window.galleryModel()->isArchiveScanning(); }, 5000));

    // The queue's right click, on a queued job.
    RenderQueueDock* queueDock = window.findChild<RenderQueueDock*>();
    QVERIFY(queueDock);
    QVERIFY(queueDock->view()->actions().contains(queueDock->variationsAction()));
    queueDock->view()->selectRow(studio.queue.rowOf(queuedId));
    QVERIFY(queueDock->variationsAction()->isEnabled());
    auto seen = std::make_shared<bool>(false);
    acceptNextVariations(2, seen);
    queueDock->variationsAction()->trigger();
    QVERIFY(*seen);
    QCOMPARE(studio.queue.rowCount(), 3);
    checkGroup(studio.queue, sourceRequest(500), QStringLiteral("seeds"), 2);

    // The gallery's right click, on a result from the output folder.
    GalleryDock* galleryDock = window.galleryDock();
    QVERIFY(galleryDock->view()->actions().contains(galleryDock->variationsAction()));
    galleryDock->selectJob(archivedResultId(output));
    *seen = false;
    acceptNextVariations(4, seen);
    galleryDock->variationsAction()->trigger();
    QVERIFY(*seen);
    QCOMPARE(studio.queue.rowCount(), 3 + 4);
    checkGroup(studio.queue, sourceRequest(900), QStringLiteral("seeds"), 4);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("still mine"));
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestJobVariations test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_jobvariations.moc"
