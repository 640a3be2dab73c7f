// The "what to generate" form on its own: request() and setRequest() round trips per task, the input
// problems it reports, and each task's settings and negative prompt remembered across task switches.

#include "GenerationForm.h"
#include "GenerationRules.h"
#include "ImageDropZone.h"
#include "JobTypes.h"
#include "PromptEditor.h"

#include <QImage>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

namespace {

QString negativeFor(wan::Task task)
{
    return QStringLiteral("default negative for %1").arg(taskName(task));
}

QString writePicture(const QTemporaryDir& dir, const QString& name, QColor color)
{
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(color);
    const QString path = dir.filePath(name);
    return image.save(path, "PNG") ? path : QString();
}

} // namespace

class TestGenerationForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void t2vRoundTrip()
    {
        GenerationForm form(nullptr, &negativeFor, {});
        form.setTask(wan::Task::T2V);
        wan::Request request = defaultRequest(wan::Task::T2V);
        request.prompt = "a lighthouse in a storm";
        request.negativePrompt = std::string("blurry");
        request.steps = 17;
        request.seed = 1234;
        form.setRequest(request);
        const wan::Request back = form.request();
        QCOMPARE(int(back.task), int(wan::Task::T2V));
        QCOMPARE(back.prompt, request.prompt);
        QVERIFY(back.negativePrompt);
        QCOMPARE(*back.negativePrompt, std::string("blurry"));
        QCOMPARE(back.steps, 17);
        QCOMPARE(back.seed, std::int64_t(1234));
        QCOMPARE(back.width, request.width);
        QCOMPARE(back.height, request.height);
        QCOMPARE(back.frameNum, request.frameNum);
        QVERIFY(form.inputError().isEmpty());

        // The task's default negative prompt is not written into the request.
        form.negativeEditor()->setText(negativeFor(wan::Task::T2V));
        QVERIFY(!form.request().negativePrompt);
    }

    void i2vAndFlf2vCarryTheirPictures()
    {
        QTemporaryDir dir;
        const QString first = writePicture(dir, QStringLiteral("first.png"), Qt::red);
        const QString last = writePicture(dir, QStringLiteral("last.png"), Qt::blue);
        QVERIFY(!first.isEmpty() && !last.isEmpty());

        GenerationForm form(nullptr, &negativeFor, {});
        form.setTask(wan::Task::I2V);
        form.promptEditor()->setText(QStringLiteral("the boat sails away"));
        QCOMPARE(form.inputError(),
                 QStringLiteral("Image to video needs a first frame: drop, paste or browse an "
                                "image."));
        QVERIFY(form.imageDropZone()->setImageFile(first));
        QVERIFY(form.inputError().isEmpty());
        const wan::Request i2v = form.request();
        QCOMPARE(int(i2v.task), int(wan::Task::I2V));
        QCOMPARE(QString::fromStdString(i2v.image.string()), form.imageDropZone()->imagePath());
        QVERIFY(!i2v.image.empty());

        GenerationForm other(nullptr, &negativeFor, {});
        other.setRequest(i2v);
        QCOMPARE(int(other.task()), int(wan::Task::I2V));
        QCOMPARE(other.request().image, i2v.image);
        QCOMPARE(other.request().prompt, i2v.prompt);

        form.setTask(wan::Task::FLF2V);
        QVERIFY(form.inputError().contains(QStringLiteral("needs both frames")));
        QVERIFY(form.firstFrameDropZone()->setImageFile(first));
        QVERIFY(form.inputError().contains(QStringLiteral("last frame is missing")));
        QVERIFY(form.lastFrameDropZone()->setImageFile(last));
        QVERIFY(form.inputError().isEmpty());
        const wan::Request flf2v = form.request();
        QVERIFY(flf2v.image.empty()); // only the task's own inputs
        QVERIFY(!flf2v.firstFrame.empty() && !flf2v.lastFrame.empty());
        other.setRequest(flf2v);
        QCOMPARE(int(other.task()), int(wan::Task::FLF2V));
        QCOMPARE(other.request().firstFrame, flf2v.firstFrame);
        QCOMPARE(other.request().lastFrame, flf2v.lastFrame);
    }

    void emptyPromptIsReported()
    {
        GenerationForm form(nullptr, &negativeFor, {});
        form.setTask(wan::Task::T2V);
        QCOMPARE(form.inputError(), QStringLiteral("Write a prompt first."));
        form.promptEditor()->setText(QStringLiteral("   "));
        QCOMPARE(form.inputError(), QStringLiteral("Write a prompt first."));
    }

    void eachTaskRemembersItsSettings()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        {
            GenerationForm form(&settings, &negativeFor, {});
            form.setTask(wan::Task::T2V);
            QCOMPARE(form.negativeEditor()->text(), negativeFor(wan::Task::T2V));
            wan::Request t2v = form.request();
            t2v.steps = 11;
            t2v.prompt = "x";
            form.setRequest(t2v);
            form.negativeEditor()->setText(QStringLiteral("no text"));
            form.setTask(wan::Task::T2I); // T2V's settings are remembered here
            QCOMPARE(form.negativeEditor()->text(), negativeFor(wan::Task::T2I));
            QVERIFY(form.request().steps != 11 || defaultRequest(wan::Task::T2I).steps == 11);
            form.setTask(wan::Task::T2V);
            QCOMPARE(form.request().steps, 11);
            QCOMPARE(form.negativeEditor()->text(), QStringLiteral("no text"));
        }
        // And across starts.
        GenerationForm again(&settings, &negativeFor, {});
        again.setTask(wan::Task::T2V);
        QCOMPARE(again.request().steps, 11);
        QCOMPARE(again.negativeEditor()->text(), QStringLiteral("no text"));
    }
};

QTEST_MAIN(TestGenerationForm)
#include "test_generationform.moc"
