#pragma once

#include "SetupAdvisor.h"
#include "StudioServices.h"

#include <QDialog>

#include <optional>

class QLabel;
class QPushButton;

namespace wan::ui {

class ModelDownloads;

// The first-run assistant: what this computer has (GPU, memory, free disk), the model set and memory mode
// that suit it with the reason, and three ways on: download it, pick a folder already on disk, or the
// built-in demo model.
class FirstRunWizard final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FirstRunWizard)

public:
    // `listDevices` runs on a worker thread; unset: no GPU is assumed.
    FirstRunWizard(ModelDownloads* downloads, DeviceLister listDevices, const QString& demoFolder,
                   QWidget* parent = nullptr);
    ~FirstRunWizard() override;

    // Shows `machine` instead of probing this computer (tests); called before show() it stops the probe.
    void setMachine(const MachineInfo& machine);
    bool isProbing() const { return !m_machine.has_value(); }
    const std::optional<SetupRecommendation>& recommendation() const { return m_recommendation; }
    QString recommendationText() const;
    QString machineText() const;
    QPushButton* downloadButton() const { return m_download; }
    QPushButton* folderButton() const { return m_folder; }
    QPushButton* demoButton() const { return m_demo; }

Q_SIGNALS:
    void folderChosen(const QString& folder);
    void downloadStarted(const QString& setName);
    // The recommended memory mode, when the user goes on with the recommended set or a folder of their own
    // (not with the demo model, which always fits).
    void memoryModeChosen(wan::MemoryMode mode);
    void probed();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void startProbe();

    ModelDownloads* m_downloads;
    DeviceLister m_listDevices;
    QString m_demoFolder;
    bool m_probeStarted = false;
    std::optional<MachineInfo> m_machine;
    std::optional<SetupRecommendation> m_recommendation;
    QLabel* m_machineLabel = nullptr;
    QLabel* m_recommendationLabel = nullptr;
    QPushButton* m_download = nullptr;
    QPushButton* m_folder = nullptr;
    QPushButton* m_demo = nullptr;
};

} // namespace wan::ui
