// The generation settings panel's guard rails: warnings next to the size and frame fields for what the
// loaded model (1.3B or 14B) was not trained at, the size following a switch to a model of the other size,
// the image-to-video shift following the size as the official defaults do, and an empty fixed seed as an
// input error. Saves a screenshot with both warnings.
#include "GenerationSettingsPanel.h"

#include "wan/RequestAdvice.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

using namespace wan::ui;

Q_DECLARE_METATYPE(wan::Task)
Q_DECLARE_METATYPE(wan::ModelSize)

namespace {

QLabel* warningLabel(const GenerationSettingsPanel& panel, const char* name)
{
    return panel.findChild<QLabel*>(QLatin1String(name));
}

QSpinBox* framesBox(const GenerationSettingsPanel& panel)
{
    for (QSpinBox* box : panel.findChildren<QSpinBox*>())
        if (box->singleStep() == 4)
            return box;
    return nullptr;
}

QComboBox* presetBox(const GenerationSettingsPanel& panel)
{
    for (QComboBox* box : panel.findChildren<QComboBox*>())
        for (int i = 0; i < box->count(); ++i)
            if (box->itemData(i).userType() == QMetaType::QSize)
                return box;
    return nullptr;
}

QDoubleSpinBox* shiftBox(const GenerationSettingsPanel& panel)
{
    for (QDoubleSpinBox* box : panel.findChildren<QDoubleSpinBox*>())
        if (box->maximum() == 30.0)
            return box;
    return nullptr;
}

wan::Request sized(wan::Task task, int width, int height, int frames = 81)
{
    wan::Request r = defaultRequest(task);
    r.width = width;
    r.height = height;
    r.frameNum = frames;
    return r;
}

} // namespace

class TestGenerationSettingsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sizeWarnings_data()
    {
        QTest::addColumn<wan::Task>("task");
        QTest::addColumn<wan::ModelSize>("model");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("warns");
        const auto small = wan::ModelSize::Small;
        const auto large = wan::ModelSize::Large;
        QTest::newRow("1.3B 832x480") << wan::Task::T2V << small << QSize(832, 480) << false;
        QTest::newRow("1.3B 480x832") << wan::Task::T2V << small << QSize(480, 832) << false;
        QTest::newRow("1.3B 1280x720") << wan::Task::T2V << small << QSize(1280, 720) << true;
        QTest::newRow("1.3B 1024x576") << wan::Task::T2V << small << QSize(1024, 576) << true;
        QTest::newRow("14B 1280x720") << wan::Task::T2V << large << QSize(1280, 720) << false;
        QTest::newRow("14B 480x832") << wan::Task::T2V << large << QSize(480, 832) << false;
        QTest::newRow("14B 1024x1024") << wan::Task::T2V << large << QSize(1024, 1024) << true;
        QTest::newRow("14B t2i 1024x1024") << wan::Task::T2I << large << QSize(1024, 1024) << false;
        QTest::newRow("vace 1.3B 1280x720") << wan::Task::VACE << small << QSize(1280, 720) << true;
        QTest::newRow("i2v 14B 720x1280") << wan::Task::I2V << large << QSize(720, 1280) << false;
    }
    void sizeWarnings()
    {
        QFETCH(wan::Task, task);
        QFETCH(wan::ModelSize, model);
        QFETCH(QSize, size);
        QFETCH(bool, warns);
        GenerationSettingsPanel panel;
        panel.setTask(task);
        panel.setModelSize(model);
        panel.applyRequest(sized(task, size.width(), size.height()));
        QCOMPARE(panel.chosenSize(), size);
        QLabel* label = warningLabel(panel, "sizeWarning");
        QVERIFY(label);
        QCOMPARE(!panel.sizeWarning().isEmpty(), warns);
        QCOMPARE(!label->isHidden(), warns);
        QCOMPARE(label->text(), panel.sizeWarning());
        if (warns)
            QVERIFY2(label->text().contains(QStringLiteral("%1×%2").arg(size.width()).arg(size.height())),
                     qPrintable(label->text()));
        QVERIFY(panel.validationError().isEmpty()); // a warning, never a block
    }

    void frameWarnings_data()
    {
        QTest::addColumn<wan::ModelSize>("model");
        QTest::addColumn<int>("frames");
        QTest::addColumn<bool>("warns");
        QTest::newRow("1.3B 81") << wan::ModelSize::Small << 81 << false;
        QTest::newRow("1.3B 85") << wan::ModelSize::Small << 85 << true;
        QTest::newRow("1.3B 33") << wan::ModelSize::Small << 33 << false;
        QTest::newRow("14B 81") << wan::ModelSize::Large << 81 << false;
        QTest::newRow("14B 121") << wan::ModelSize::Large << 121 << true;
    }
    void frameWarnings()
    {
        QFETCH(wan::ModelSize, model);
        QFETCH(int, frames);
        QFETCH(bool, warns);
        GenerationSettingsPanel panel;
        panel.setTask(wan::Task::T2V);
        panel.setModelSize(model);
        QLabel* label = warningLabel(panel, "framesWarning");
        QVERIFY(label);
        QVERIFY(label->isHidden());
        QSpinBox* box = framesBox(panel);
        QVERIFY(box);
        box->setValue(frames); // as typed: the warning follows at once
        QCOMPARE(!label->isHidden(), warns);
        QCOMPARE(!panel.frameCountWarning().isEmpty(), warns);
        if (warns)
            QVERIFY2(label->text().contains(QString::number(wan::kTrainedFrameLimit)),
                     qPrintable(label->text()));
        QVERIFY(panel.validationError().isEmpty());
        box->setValue(81);
        QVERIFY(label->isHidden());
        // A picture has no frame count to warn about.
        box->setValue(frames);
        panel.setTask(wan::Task::T2I);
        QVERIFY(panel.frameCountWarning().isEmpty());
    }

    // 14B → 1.3B: an official 14B size moves to the 1.3B size of the same orientation; a custom size stays,
    // with its warning; back to 14B nothing moves.
    void sizeFollowsTheModel_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("landscape 720p") << QSize(1280, 720) << QSize(832, 480);
        QTest::newRow("portrait 720p") << QSize(720, 1280) << QSize(480, 832);
        QTest::newRow("480p stays") << QSize(832, 480) << QSize(832, 480);
        QTest::newRow("custom stays") << QSize(1024, 576) << QSize(1024, 576);
    }
    void sizeFollowsTheModel()
    {
        QFETCH(QSize, size);
        QFETCH(QSize, expected);
        GenerationSettingsPanel panel;
        panel.setTask(wan::Task::T2V);
        panel.setModelSize(wan::ModelSize::Large);
        panel.applyRequest(sized(wan::Task::T2V, size.width(), size.height()));
        panel.setModelSize(wan::ModelSize::Small);
        QCOMPARE(panel.chosenSize(), expected);
        QCOMPARE(panel.sizeWarning().isEmpty(), wan::isTrainedSize(wan::Task::T2V, wan::ModelSize::Small,
                                                                   expected.width(), expected.height()));
        panel.setModelSize(wan::ModelSize::Large);
        QCOMPARE(panel.chosenSize(), expected);
    }

    void i2vShiftFollowsTheSize()
    {
        GenerationSettingsPanel panel;
        panel.setTask(wan::Task::I2V);
        panel.setModelSize(wan::ModelSize::Large);
        panel.applyRequest(wan::defaultRequest(wan::Task::I2V, wan::ModelSize::Large));
        QComboBox* preset = presetBox(panel);
        QDoubleSpinBox* shift = shiftBox(panel);
        QVERIFY(preset);
        QVERIFY(shift);
        QCOMPARE(panel.chosenSize(), QSize(1280, 720));
        QCOMPARE(shift->value(), 5.0);
        preset->setCurrentIndex(preset->findData(QSize(832, 480)));
        QCOMPARE(shift->value(), 3.0); // the official 480p default
        preset->setCurrentIndex(preset->findData(QSize(720, 1280)));
        QCOMPARE(shift->value(), 5.0);
        // A shift the user chose stays.
        shift->setValue(4.0);
        preset->setCurrentIndex(preset->findData(QSize(480, 832)));
        QCOMPARE(shift->value(), 4.0);
        // A job's own shift is shown as it is.
        wan::Request job = wan::defaultRequest(wan::Task::I2V, wan::ModelSize::Large);
        job.width = 832;
        job.height = 480;
        job.shift = 7.0;
        panel.applyRequest(job);
        QCOMPARE(shift->value(), 7.0);
    }

    void fixedSeedNeedsANumber()
    {
        GenerationSettingsPanel panel;
        wan::Request r = defaultRequest(wan::Task::T2V);
        r.seed = 4242;
        panel.applyRequest(r);
        QVERIFY(panel.validationError().isEmpty());
        QLineEdit* seed = nullptr;
        for (QLineEdit* edit : panel.findChildren<QLineEdit*>())
            if (edit->text() == QLatin1String("4242"))
                seed = edit;
        QVERIFY(seed);
        seed->clear();
        const QString error = panel.validationError();
        QVERIFY2(error.contains(QStringLiteral("seed")), qPrintable(error));
        // Random needs no number.
        r.seed = -1;
        panel.applyRequest(r);
        QVERIFY(panel.validationError().isEmpty());
    }

    void warningsScreenshot()
    {
        GenerationSettingsPanel panel;
        panel.setTask(wan::Task::T2V);
        panel.setModelSize(wan::ModelSize::Small);
        panel.applyRequest(sized(wan::Task::T2V, 1280, 720, 121));
        panel.resize(560, panel.sizeHint().height());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(!warningLabel(panel, "sizeWarning")->isHidden());
        QVERIFY(!warningLabel(panel, "framesWarning")->isHidden());
        panel.resize(560, panel.sizeHint().height());
        QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
        const QString path =
            QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR)).filePath(QStringLiteral("generation-warnings.png"));
        QVERIFY(panel.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }
};

QTEST_MAIN(TestGenerationSettingsPanel)
#include "test_generationsettingspanel.moc"
