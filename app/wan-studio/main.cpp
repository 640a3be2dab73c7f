// Wan Studio: builds the services (settings, log, render queue, inference thread, engine adapters) and hands
// them to the main window.
#include "EngineAdapters.h"
#include "ExportAdapters.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "MediaAdapters.h"
#include "ModelDownloads.h"
#include "ModelSetAdapters.h"
#include "PromptExtendSettingsStore.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "SettingsDialog.h"
#include "SingleInstance.h"
#include "StalePartials.h"
#include "SystemColorScheme.h"
#include "Theme.h"
#include "wan/Devices.h"
#include "wan/Request.h"

#include <ATen/Parallel.h>

#include <QApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QThread>
#include <QTranslator>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string_view>

namespace {

// Qt aborts without a display; say what to do instead.
bool displayAvailable()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

constexpr int kExitNoDisplay = 2;
constexpr std::size_t kLogFileBytes = 5 * 1024 * 1024;
constexpr std::size_t kLogFiles = 3;

QString setUpLogging()
{
    const QString dir = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                            .filePath(QStringLiteral("logs"));
    QDir().mkpath(dir);
    const QString file = QDir(dir).filePath(QStringLiteral("wan-studio.log"));
    try {
        std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                                                file.toStdString(), kLogFileBytes, kLogFiles),
                                            std::make_shared<spdlog::sinks::stderr_color_sink_mt>()};
        auto logger = std::make_shared<spdlog::logger>("wan-studio", sinks.begin(), sinks.end());
        logger->flush_on(spdlog::level::info);
        spdlog::set_default_logger(logger);
    } catch (const spdlog::spdlog_ex& error) {
        std::fprintf(stderr, "wan-studio: cannot write the log %s: %s\n", qPrintable(file), error.what());
    }
    return file;
}

// Owns the installed translators; switching replaces them, and Qt sends LanguageChange to every widget.
class Translations final
{
public:
    void install(const QString& language)
    {
        for (auto* translator : {&m_app, &m_qt})
            QCoreApplication::removeTranslator(translator);
        const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
        if (m_app.load(locale, QStringLiteral("wan_studio"), QStringLiteral("_"), QStringLiteral(":/i18n")))
            QCoreApplication::installTranslator(&m_app);
        if (m_qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                      QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(&m_qt);
        spdlog::info("language: {}", locale.name().toStdString());
    }

private:
    QTranslator m_app;
    QTranslator m_qt;
};

} // namespace

int main(int argc, char** argv)
{
    const QDateTime processStart = QDateTime::currentDateTime();
    // Answered from a terminal before anything needs a display.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--version") {
            std::printf("wan-studio %s\n", WAN_STUDIO_VERSION);
            return 0;
        }
        if (arg == "--help" || arg == "-h") {
            std::printf("Usage: wan-studio\n"
                        "Opens Wan Studio, the desktop studio for the Wan2.1 video models.\n"
                        "  --version  print the version and exit\n"
                        "  --help     print this help and exit\n"
                        "Generating from a terminal: wan-generate --help\n");
            return 0;
        }
    }
    if (!displayAvailable()) {
        std::fprintf(
            stderr, "wan-studio: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                    "Wan Studio is a desktop application. On a machine without a screen use the command line "
                    "tool instead, for example:\n"
                    "  wan-generate --task t2v-1.3B --size 832*480 --ckpt_dir /path/to/Wan2.1-T2V-1.3B \\\n"
                    "      --prompt \"A cat surfing at sunset\" --save_file cat.mp4\n"
                    "(see wan-generate --help), or run Wan Studio under a virtual display (xvfb-run) or with "
                    "QT_QPA_PLATFORM=offscreen.\n");
        return kExitNoDisplay;
    }
    // GStreamer (Qt 6.4's default) crashes without its plugin packages; FFmpeg works out of the box.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Wan Studio"));
    QApplication::setOrganizationName(QStringLiteral("Wan Studio"));
    QApplication::setApplicationVersion(QStringLiteral(WAN_STUDIO_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("wan-studio"));

    const QString logFile = setUpLogging();
    spdlog::info("Wan Studio {} starting", WAN_STUDIO_VERSION);

    QSettings settings;
    Translations translations;
    translations.install(settings.value(QLatin1String(wan::ui::settings_keys::kLanguage)).toString());
    wan::ui::applyTheme(wan::ui::themeChoiceFromName(
        settings.value(QLatin1String(wan::ui::theme_settings_keys::kTheme)).toString()));
    // "Follow the system" also follows a switch between light and dark while the app runs.
    wan::ui::followDesktopColorScheme(new wan::ui::SystemColorScheme(&app));

    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    // One instance per data folder: two would both rewrite queue.json and run the same jobs. A second start
    // brings the first one's window to the front and says so.
    wan::ui::SingleInstance instance(dataDir);
    if (!instance.acquire()) {
        if (instance.activateOwner())
            spdlog::info("asked the running Wan Studio to show its window");
        const QString message = QCoreApplication::translate(
                                    "main", "Wan Studio is already running for this user (its data folder "
                                            "%1 is in use). Switch to the open window, or close it first.")
                                    .arg(QDir::toNativeSeparators(dataDir));
        spdlog::error("{}", message.toStdString());
        QMessageBox::critical(nullptr, QCoreApplication::translate("main", "Wan Studio"), message);
        return 1;
    }
    wan::ui::QueueStore store(QDir(dataDir).filePath(QStringLiteral("queue.json")));
    const wan::ui::QueueLoadReport report = store.load();
    wan::ui::RenderQueueModel queue(&store);
    queue.setJobs(report.jobs);
    queue.setInputStash(QDir(dataDir).filePath(QStringLiteral("job-inputs")));
    // Copies no queued job refers to (a crash between copying and queueing). Not after a queue that could
    // not be read: its jobs may still need theirs.
    if (report.problem.isEmpty())
        queue.pruneInputStash();
    if (report.requeued > 0 && (report.problem.isEmpty() || !report.corruptBackup.isEmpty()))
        store.save(queue.jobs()); // the recovered states (running -> queued) from now on

    QStringList problems;
    if (!report.problem.isEmpty())
        problems.append(report.problem);
    if (report.requeued > 0)
        problems.append(QCoreApplication::translate(
                            "main",
                            "%n job(s) were running when Wan Studio stopped and are queued again (%1 will "
                            "only be decoded from their saved latents). The queue is paused: press "
                            "“Resume queue” to go on.",
                            nullptr, report.requeued)
                            .arg(report.resumed));

    const int threads = QThread::idealThreadCount();
    wan::ui::InferenceBridge bridge([threads] {
        // Runs on the inference thread: torch's thread count is per calling thread.
        at::set_num_threads(threads);
        return wan::ui::engineRunnerFactory()();
    });
    const QString outputDir =
        settings.value(QLatin1String(wan::ui::settings_keys::kOutputDir), wan::ui::defaultOutputDir())
            .toString();
    // Files a killed run left half-written (older than this process: never one being written now).
    wan::ui::removeStalePartialFiles(outputDir, processStart);
    wan::ui::QueueRunner runner(&queue, &bridge, outputDir);
    // Prompt-extension settings and API keys (the keychain may take seconds): read once, off the GUI thread;
    // the runner starts no job before they are in.
    wan::ui::PromptExtendSettingsStore promptSettings(&settings);
    runner.setPromptExtendSettings(&promptSettings);
    promptSettings.load();
    // After a crash, a job may be what crashed: let the user decide when to go on.
    if (report.requeued > 0)
        runner.setQueuePaused(true);

    // Model downloads outlive the window: a download left running at quit stays recorded and comes back
    // paused.
    wan::ui::ModelDownloads modelDownloads(&settings, wan::builtInModelCatalogue());

    wan::ui::StudioServices services;
    services.settings = &settings;
    services.promptSettings = &promptSettings;
    services.queue = &queue;
    services.runner = &runner;
    services.bridge = &bridge;
    services.inspectFolder = &wan::ui::inspectModelFolderChecked;
    services.inspectModelSet = &wan::ui::inspectModelSetChecked;
    services.identifyModelFile = &wan::ui::identifyModelFileChecked;
    services.demoModelFolder = QString::fromStdString(wan::builtInDemoFolder().string());
    services.listDevices = &wan::listDevices;
    services.readVideoFrames = &wan::ui::readVideoEnds;
    services.readVideoTags = &wan::ui::readVideoTags;
    services.planMemory = &wan::ui::planMemoryChecked;
    services.readVideoClip = &wan::ui::readVideoClip;
    services.exportVideo = wan::ui::videoExportService();
    services.negativePrompt = &wan::ui::officialNegativePrompt;
    services.switchLanguage = [&translations](const QString& language) { translations.install(language); };
    services.logFile = logFile;
    services.queueProblem = problems.join(QStringLiteral("\n\n"));
    services.modelDownloads = &modelDownloads;
    services.offerFirstRunAssistant = true;

    wan::ui::MainWindow window(std::move(services));
    QObject::connect(&instance, &wan::ui::SingleInstance::activationRequested, &window, [&window] {
        window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
        window.show();
        window.raise();
        window.activateWindow();
    });
    window.show();
    const int code = QApplication::exec();
    bridge.shutdown();
    spdlog::info("Wan Studio exiting ({})", code);
    return code;
}
