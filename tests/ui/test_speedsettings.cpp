// The generation settings panel's speed row: Draft (distilled) / Final, the step cache presets and the LoRA
// list reach the Request and come back from it; Draft disables the full sampler's fields. Saves a screenshot.
#include "GenerationSettingsPanel.h"
#include "SpeedSettingsWidget.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace wan::ui;

class TestSpeedSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestRoundTrip()
    {
        GenerationSettingsPanel panel;
        wan::Request r = defaultRequest(wan::Task::T2V);
        r.samplerMode = wan::SamplerMode::Distilled;
        r.stepCache = wan::StepCacheMode::MagCache;
        r.cachePreset = wan::CachePreset::Fast;
        r.loras = {{"/loras/lightx2v_t2v_4step_rank64.safetensors", 1.0},
                   {"/loras/ink style.safetensors", 0.65}};
        panel.applyRequest(r);
        wan::Request back;
        panel.fillRequest(&back);
        QVERIFY(back.samplerMode == wan::SamplerMode::Distilled);
        QVERIFY(back.stepCache == wan::StepCacheMode::MagCache);
        QVERIFY(back.cachePreset == wan::CachePreset::Fast);
        QVERIFY(back.loras == r.loras);

        // Draft: the full sampler's steps are not used, so the field is off; Final turns it back on.
        auto* speed = panel.findChild<SpeedSettingsWidget*>();
        QVERIFY(speed);
        QSpinBox* steps = nullptr; // the only spin box that goes up to 200
        for (auto* box : panel.findChildren<QSpinBox*>())
            steps = box->maximum() == 200 ? box : steps;
        QVERIFY(steps);
        QVERIFY(speed->isDraft());
        QVERIFY(!steps->isEnabled());
        const auto boxes = speed->findChildren<QComboBox*>();
        QCOMPARE(boxes.size(), 2);
        QSignalSpy changed(&panel, &GenerationSettingsPanel::changed);
        boxes[0]->setCurrentIndex(boxes[0]->findData(int(wan::SamplerMode::Full)));
        QVERIFY(!speed->isDraft());
        QVERIFY(steps->isEnabled());
        QVERIFY(changed.count() >= 1);

        boxes[1]->setCurrentIndex(0); // no step cache
        speed->addLora(QStringLiteral("/loras/extra.safetensors"), 0.3);
        panel.fillRequest(&back);
        QVERIFY(back.samplerMode == wan::SamplerMode::Full);
        QVERIFY(back.stepCache == wan::StepCacheMode::Off);
        QCOMPARE(int(back.loras.size()), 3);
        QCOMPARE(back.loras[2].strength, 0.3);

        panel.applyRequest(r);
        panel.resize(520, panel.sizeHint().height());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
        const QString path =
            QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR)).filePath(QStringLiteral("speed_settings.png"));
        QVERIFY(panel.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }
};

QTEST_MAIN(TestSpeedSettings)
#include "test_speedsettings.moc"
