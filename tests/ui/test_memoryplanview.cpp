// The memory plan shown under the form: the plan's words for GPU and CPU jobs and for a refusal, planning a
// moment after the last change on a worker thread, an older request's answer dropped, nothing shown without
// a usable model set, and the settings' GPU memory budget reaching the request.
#include "MemoryPlanView.h"
#include "SettingsDialog.h"

#include <QComboBox>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

using namespace wan::ui;

namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

wan::MemoryPlan gpuPlan()
{
    wan::MemoryPlan plan;
    plan.device = "cuda:0";
    plan.t5OnCpu = true;
    plan.streamDitBlocks = true;
    plan.devicePeakBytes = 7 * kGiB + kGiB / 5;
    plan.deviceBudgetBytes = 8 * kGiB;
    plan.hostPeakBytes = 14 * kGiB;
    plan.hostAvailableBytes = 30 * kGiB;
    plan.description = "cuda:0: T5 on the CPU, DiT blocks streamed";
    return plan;
}

} // namespace

class TestMemoryPlanView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void texts()
    {
        const QString gpu = memoryPlanText(gpuPlan());
        QCOMPARE(gpu,
                 QStringLiteral("GPU cuda:0: text encoder on the processor, DiT streamed block by block. "
                                "About 7.2 GB of GPU memory, of 8.0 GB it may use. About 14.0 GB of "
                                "system memory, of 30.0 GB free."));
        wan::MemoryPlan tiled = gpuPlan();
        tiled.tileVae = true;
        tiled.vaeTilePx = 384;
        QVERIFY2(memoryPlanText(tiled).contains(
                     QStringLiteral("DiT streamed block by block, video decoded in tiles of 384 pixels.")),
                 qPrintable(memoryPlanText(tiled)));
        wan::MemoryPlan unknownFree = gpuPlan();
        unknownFree.deviceBudgetBytes.reset();
        unknownFree.t5OnCpu = unknownFree.streamDitBlocks = false;
        QVERIFY2(memoryPlanText(unknownFree).contains(QStringLiteral("every model on the GPU")) &&
                     memoryPlanText(unknownFree).contains(QStringLiteral("(free memory unknown)")),
                 qPrintable(memoryPlanText(unknownFree)));

        wan::MemoryPlan cpu;
        cpu.device = "cpu";
        cpu.hostPeakBytes = 3 * kGiB;
        cpu.hostAvailableBytes = 20 * kGiB;
        QCOMPARE(memoryPlanText(cpu),
                 QStringLiteral("Processor. About 3.0 GB of system memory, of 20.0 GB free."));
        QVERIFY(memoryPlanFits(cpu));
        cpu.refusal = "needs about 30 GiB of host memory";
        QVERIFY(!memoryPlanFits(cpu));
        QVERIFY(memoryPlanText(cpu).endsWith(
            QStringLiteral("\nIt would not fit: needs about 30 GiB of host memory")));
    }

    void plansAfterChangesAndDropsStaleAnswers()
    {
        // The first request's plan is held until the second one was asked: only the second is shown.
        QSemaphore releaseFirst;
        std::atomic<int> calls{0};
        int width = 832;
        MemoryPlanner planner = [&](const wan::Request& request) {
            ++calls;
            if (request.width == 832)
                releaseFirst.acquire();
            MemoryPlanCheck check;
            check.ok = true;
            check.plan.device = "cpu";
            check.plan.hostPeakBytes = std::uint64_t(request.width) * kGiB / 100;
            if (request.width > 2000)
                check.plan.refusal = "too large";
            return check;
        };
        MemoryPlanView view(planner, [&] {
            wan::Request request;
            request.width = width;
            return std::optional(request);
        });
        // However the test ends, the held planner thread is let go before the view (which waits for it).
        const auto release = qScopeGuard([&releaseFirst] { releaseFirst.release(); });
        view.setDelayMs(10);
        QSignalSpy planned(&view, &MemoryPlanView::planned);
        view.schedule();
        view.schedule(); // one plan for changes close together
        QTRY_COMPARE(calls.load(), 1);
        width = 1280;
        view.schedule();
        QTRY_COMPARE(calls.load(), 2);
        QTRY_COMPARE(planned.size(), 1);
        QVERIFY2(view.text().contains(QStringLiteral("About 12.8 GB")), qPrintable(view.text()));
        releaseFirst.release();
        QTest::qWait(100);
        QCOMPARE(planned.size(), 1); // the 832 answer came late and was dropped
        QVERIFY2(view.text().contains(QStringLiteral("About 12.8 GB")), qPrintable(view.text()));
        QVERIFY(view.fits());
        QVERIFY(!view.isEnabled()); // a plan that fits is shown muted

        width = 4096;
        view.schedule();
        QTRY_COMPARE(planned.size(), 2);
        QVERIFY(!view.fits());
        QVERIFY(view.isEnabled());
        QVERIFY(view.text().contains(QStringLiteral("It would not fit: too large")));
    }

    void nothingWithoutAModelSetOrPlanner()
    {
        std::atomic<int> calls{0};
        MemoryPlanView view(
            [&](const wan::Request&) {
                ++calls;
                return MemoryPlanCheck{};
            },
            [] { return std::optional<wan::Request>(); });
        view.setDelayMs(1);
        view.show();
        view.schedule();
        QTRY_VERIFY(view.isHidden());
        QTest::qWait(50);
        QCOMPARE(calls.load(), 0);

        MemoryPlanView none({}, [] { return std::optional(wan::Request()); });
        none.setDelayMs(1);
        none.schedule();
        QTest::qWait(50);
        QVERIFY(none.isHidden());
    }

    void problemIsShown()
    {
        MemoryPlanView view(
            [](const wan::Request&) {
                MemoryPlanCheck check;
                check.error = QStringLiteral("The model folder has no DiT.");
                return check;
            },
            [] { return std::optional(wan::Request()); });
        view.setDelayMs(1);
        QSignalSpy planned(&view, &MemoryPlanView::planned);
        view.schedule();
        QVERIFY(planned.wait(5000));
        QCOMPARE(view.text(), QStringLiteral("Memory plan: not available (The model folder has no DiT.)"));
        QVERIFY(view.fits()); // the form's own check reports the problem at Generate
    }

    void budgetSetting()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        {
            SettingsDialog dialog(&settings, {});
            QCOMPARE(dialog.vramBudgetGiB(), 0.0);
            auto* picker = dialog.findChild<QComboBox*>(QStringLiteral("vramBudgetPicker"));
            QVERIFY(picker);
            picker->setCurrentIndex(picker->findData(8.0));
            dialog.save();
        }
        QCOMPARE(settings.value(QLatin1String(settings_keys::kVramBudgetGiB)).toDouble(), 8.0);
        settings.setValue(QLatin1String(settings_keys::kVramBudgetGiB), 7.5); // set by hand: kept
        {
            SettingsDialog dialog(&settings, {});
            QCOMPARE(dialog.vramBudgetGiB(), 7.5);
            auto* picker = dialog.findChild<QComboBox*>(QStringLiteral("vramBudgetPicker"));
            picker->setCurrentIndex(0);
            dialog.save();
        }
        QVERIFY(!settings.contains(QLatin1String(settings_keys::kVramBudgetGiB)));
    }
};

QTEST_MAIN(TestMemoryPlanView)
#include "test_memoryplanview.moc"
