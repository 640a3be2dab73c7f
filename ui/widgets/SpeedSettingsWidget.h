#pragma once
// Draft (distilled) / Final sampling, the step cache preset and the LoRA list of a generation.

#include "wan/Pipeline.h"

#include <QWidget>

class QComboBox;
class QEvent;
class QPushButton;
class QTableWidget;

namespace wan::ui {

class SpeedSettingsWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpeedSettingsWidget)

public:
    explicit SpeedSettingsWidget(QWidget* parent = nullptr);

    void applyRequest(const wan::Request& request); // show these values
    void fillRequest(wan::Request* request) const;  // write the shown values
    bool isDraft() const;

    // Adds a LoRA row (also what the "Add" button does after its file dialog).
    void addLora(const QString& path, double strength);
    int loraCount() const;

Q_SIGNALS:
    void changed();
    void draftChanged(bool draft);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void chooseLoraFile();

    QComboBox* m_mode = nullptr;
    QComboBox* m_cache = nullptr;
    QTableWidget* m_loras = nullptr;
    QPushButton* m_addLora = nullptr;
    QPushButton* m_removeLora = nullptr;
};

} // namespace wan::ui
