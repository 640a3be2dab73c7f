#pragma once

#include <QDialog>
#include <QHash>

class QComboBox;
class QGroupBox;
class QSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace wan::ui {

class ModelDownloads;

// The model manager: sets installed under the models folder (size, location, use, open, delete) and the
// catalogue's sets (task, size, download / pause / resume / cancel with progress). The downloads belong to
// the service, so the dialog can close while they go on.
class ModelManagerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelManagerDialog)

public:
    explicit ModelManagerDialog(ModelDownloads* downloads, QWidget* parent = nullptr);
    ~ModelManagerDialog() override;

    QTreeWidget* installedList() const { return m_installed; }
    QTreeWidget* availableList() const { return m_available; }
    QPushButton* downloadButton() const { return m_download; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* useButton() const { return m_use; }
    QLineEdit* accessTokenEdit() const { return m_token; }
    QSpinBox* parallelFilesBox() const { return m_parallel; }
    QSpinBox* speedLimitBox() const { return m_speedLimit; } // MB/s, 0: no limit
    QString statusText(const QString& setName) const;        // the line under a set's progress bar
    void selectAvailable(const QString& setName);
    // Asks nothing (tests); the buttons ask first.
    void setConfirmations(bool ask) { m_ask = ask; }

Q_SIGNALS:
    void useModelFolder(const QString& folder);

private:
    struct Row
    {
        QTreeWidgetItem* item = nullptr;
        QProgressBar* bar = nullptr;
        QLabel* label = nullptr;
    };
    QGroupBox* makeOptionsBox();
    void refreshInstalled();
    void refreshRow(const QString& name);
    void updateButtons();
    QString selectedSet() const;
    QString selectedFolder() const;
    void chooseRoot();
    void applyEndpoint();
    void confirmCancel();
    void confirmDelete();

    ModelDownloads* m_downloads;
    bool m_ask = true;
    QLabel* m_root = nullptr;
    QComboBox* m_endpoint = nullptr;
    QLineEdit* m_customUrl = nullptr;
    QLabel* m_endpointProblem = nullptr;
    QTreeWidget* m_installed = nullptr;
    QTreeWidget* m_available = nullptr;
    QPushButton* m_use = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_delete = nullptr;
    QPushButton* m_sizes = nullptr;
    QPushButton* m_download = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_resume = nullptr;
    QPushButton* m_cancel = nullptr;
    QLineEdit* m_token = nullptr;
    QLabel* m_tokenWhere = nullptr;
    QSpinBox* m_parallel = nullptr;
    QSpinBox* m_speedLimit = nullptr;
    QHash<QString, Row> m_rows;
    QHash<QString, QString> m_sizeErrors;
};

} // namespace wan::ui
