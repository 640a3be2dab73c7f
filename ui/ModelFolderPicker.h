#pragma once

#include "StudioServices.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace wan::ui {

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
    const FolderCheck& check() const { return m_check; }
    bool isChecking() const { return m_checking; }
    QString statusText() const;

Q_SIGNALS:
    void folderChecked(const wan::ui::FolderCheck& check);

protected:
    void changeEvent(QEvent* event) override;

private:
    void startCheck();
    void showCheck(quint64 generation, const FolderCheck& check);
    void browse();
    void retranslate();
    void updateStatus();

    FolderInspector m_inspector;
    QLineEdit* m_edit = nullptr;
    QPushButton* m_browse = nullptr;
    QPushButton* m_demo = nullptr;
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
