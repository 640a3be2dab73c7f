#pragma once

#include "StudioServices.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace wan::ui {

class ModelFilesDialog;

// Model folder field with live validation: the folder is inspected on a background thread after each change,
// and the result says what is missing and where the official weights are.
class ModelFolderPicker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelFolderPicker)

public:
    explicit ModelFolderPicker(FolderInspector inspector, QWidget* parent = nullptr);

    QString folder() const;
    void setFolder(const QString& dir);
    // Shows a "Built-in demo" button that chooses this folder; empty hides it.
    void setDemoFolder(const QString& dir);
    // Enables single model files in place of the folder's own (the "Model files…" button); unset: the
    // folder alone.
    void setModelSetInspector(ModelSetInspector inspector, ModelFileIdentifier identifier = {});
    wan::ModelFiles modelFiles() const { return m_files; }
    void setModelFiles(const wan::ModelFiles& files);
    void setModelSet(const QString& dir, const wan::ModelFiles& files); // one check for both
    // The model files dialog over this folder and files (window-modal; OK applies it), with `added` placed
    // in the rows their content belongs to. nullptr without a model set inspector.
    ModelFilesDialog* openModelFilesDialog(const QStringList& added = {});
    const FolderCheck& check() const { return m_check; }
    bool isChecking() const { return m_checking; }
    QString statusText() const;
    // "text to video", "image to video", … as the folder picker and the model files dialog show it.
    static QString modelTypeText(wan::ModelType type);

Q_SIGNALS:
    void folderChecked(const wan::ui::FolderCheck& check);
    void modelFilesChanged(const wan::ModelFiles& files);

protected:
    void changeEvent(QEvent* event) override;

private:
    void startCheck();
    void showCheck(quint64 generation, const FolderCheck& check);
    void browse();
    void retranslate();
    void updateStatus();
    QString filesHtml() const;
    QString modelText() const;

    FolderInspector m_inspector;
    QLineEdit* m_edit = nullptr;
    QPushButton* m_browse = nullptr;
    QPushButton* m_demo = nullptr;
    QPushButton* m_filesButton = nullptr;
    ModelSetInspector m_setInspector;
    ModelFileIdentifier m_fileIdentifier;
    wan::ModelFiles m_files;
    QString m_demoFolder;
    QLabel* m_status = nullptr;
    QTimer* m_debounce = nullptr;
    FolderCheck m_check;
    bool m_checking = false;
    quint64 m_generation = 0;
};

// Where to get the official Wan2.1 weights, as rich text with links.
QString officialWeightsHtml();

} // namespace wan::ui
