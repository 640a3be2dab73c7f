#pragma once

#include "StudioServices.h"

#include <QDialog>

#include <vector>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QMimeData;
class QPushButton;
class QTimer;

namespace wan::ui {

// The parts of a model set that can come from their own files.
enum class ModelPart
{
    Dit = 1,
    TextEncoder,
    Vae,
    Clip,
    Tokenizer
};

// Single model files (ComfyUI, GGUF, …) in place of the model folder's own: one row per part, each checked
// with the rest of the set on a worker thread. OK is enabled when the set can run, or when no file is chosen
// (the folder alone). Dropped files take the row their content belongs to.
class ModelFilesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelFilesDialog)

public:
    // `identifier` sorts added files into their rows (unset: they go to the DiT row).
    ModelFilesDialog(ModelSetInspector inspector, ModelFileIdentifier identifier, const QString& folder,
                     const wan::ModelFiles& files, QWidget* parent = nullptr);
    ~ModelFilesDialog() override;

    wan::ModelFiles files() const;
    QString file(ModelPart part) const;
    void setFile(ModelPart part, const QString& path); // empty: the folder's own
    // Puts each file in the row its content belongs to (read on a worker thread); a file that is no part
    // goes to the DiT row, where the check names the problem.
    void addFiles(const QStringList& paths);

    bool isChecking() const { return m_checking || m_sorting > 0; }
    const FolderCheck& check() const { return m_check; }
    QString statusText() const;             // the set's problems, or "Ready: …"
    QString partText(ModelPart part) const; // the line under a row: what its file is
    QPushButton* okButton() const;
    QPushButton* clearButton(ModelPart part) const;

    // Local files of a drag whose names look like model weights (.safetensors, .gguf, .pth, .pt, .model).
    static QStringList modelFilesIn(const QMimeData* mime);

Q_SIGNALS:
    void checkFinished();

protected:
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Row
    {
        ModelPart part;
        QLabel* label = nullptr;
        QLineEdit* edit = nullptr;
        QPushButton* browse = nullptr;
        QPushButton* clear = nullptr;
        QLabel* info = nullptr;
    };

    const Row& row(ModelPart part) const;
    void browse(ModelPart part);
    void startCheck();
    void showCheck(quint64 generation, const FolderCheck& check);
    void placeFiles(const std::vector<std::pair<ModelPart, QString>>& placed);
    void updateStatus();
    void retranslate();
    bool allRowsEmpty() const;

    ModelSetInspector m_inspector;
    ModelFileIdentifier m_identifier;
    QString m_folder;
    std::vector<Row> m_rows;
    QLabel* m_intro = nullptr;
    QLabel* m_folderLabel = nullptr;
    QLabel* m_status = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QTimer* m_debounce = nullptr;
    FolderCheck m_check;
    bool m_checking = false;
    int m_sorting = 0; // dropped files whose roles are being read
    quint64 m_generation = 0;
};

// The model files as stored in the settings (JSON: dit, t5, vae, clip, tokenizer; empty ones left out).
QString modelFilesToJson(const wan::ModelFiles& files);
wan::ModelFiles modelFilesFromJson(const QString& json);

} // namespace wan::ui
