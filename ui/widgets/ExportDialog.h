#pragma once

#include "VideoExportSettings.h"

#include <QDialog>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QTimer;

namespace wan::ui {

// "Export as…" for a finished video: format (those this build lacks shown disabled with why), frame rate,
// quality (CRF, or lossless: H.264/H.265 in 4:4:4 without loss, else FFV1), the settings metadata and the
// target. The export runs on a thread of its own with Cancel and a percentage bar (frames written; busy while
// the source is decoded); the original is only read and the target appears only when complete. Errors stay in
// the dialog.
class ExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportDialog)

public:
    // `sourceFps`: the video's own rate; `settings`: the job's settings.json (may be empty).
    ExportDialog(const QString& source, int sourceFps, const QJsonObject& settings,
                 VideoExportService service, QWidget* parent = nullptr);
    ~ExportDialog() override;

    ExportSettings exportSettings() const;
    void setFormat(ExportFormat format);
    void setTarget(const QString& target);
    bool isRunning() const { return m_running; }
    // Starts the export (the Export button); false when it cannot start (no target, already running).
    bool startExport();
    void cancelExport();
    ExportOutcome lastOutcome() const { return m_outcome; }

    QComboBox* formatBox() const { return m_format; }
    QComboBox* fpsBox() const { return m_fps; }
    QSlider* crfSlider() const { return m_crf; }
    QCheckBox* losslessBox() const { return m_lossless; }
    QCheckBox* metadataBox() const { return m_metadata; }
    QLineEdit* targetEdit() const { return m_target; }
    QPushButton* exportButton() const { return m_export; }
    QLabel* statusLabel() const { return m_status; }
    QProgressBar* progressBar() const { return m_progress; }

Q_SIGNALS:
    void exportFinished(bool ok, const QString& target);

public Q_SLOTS:
    void reject() override;

private:
    ExportFormat currentFormat() const;
    void onFormatChanged();
    void onLosslessToggled(bool lossless);
    void updateCrfLabel();
    void updateControls();
    void browse();
    void onFinished(const ExportOutcome& outcome, const QString& target);
    void setRunning(bool running);
    void showProgress();

    // Written by the export thread after each frame, read by the dialog's timer: no call crosses threads.
    struct Progress
    {
        std::atomic<int> framesDone{0};
        std::atomic<int> frameCount{0};
    };

    QString m_source;
    int m_sourceFps;
    QJsonObject m_settings;
    VideoExportService m_service;
    bool m_running = false;
    bool m_closeWhenDone = false;
    ExportOutcome m_outcome;
    std::shared_ptr<wan::CancelToken> m_cancel;
    std::shared_ptr<Progress> m_progressState;
    QTimer* m_progressTimer = nullptr;
    ExportFormat m_lossyFormat = ExportFormat::Mp4H264; // restored when "Lossless" is unticked

    QComboBox* m_format = nullptr;
    QLabel* m_formatNote = nullptr;
    QComboBox* m_fps = nullptr;
    QSlider* m_crf = nullptr;
    QLabel* m_crfLabel = nullptr;
    QCheckBox* m_lossless = nullptr;
    QCheckBox* m_metadata = nullptr;
    QLineEdit* m_target = nullptr;
    QPushButton* m_browse = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_close = nullptr;
};

} // namespace wan::ui
