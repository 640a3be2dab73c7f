#pragma once

#include <QDialog>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;

namespace wan::ui {

class MaskPainter;

// Draws a VACE mask over a clip's first frame and, on OK, writes it as a folder of PNG frames (the clip's
// frame count and size) to `outputFolder`, which then is the request's srcMask.
class MaskPainterDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MaskPainterDialog)

public:
    MaskPainterDialog(const QImage& firstFrame, int frameCount, QString outputFolder,
                      QWidget* parent = nullptr);

    MaskPainter* painter() const { return m_painter; }
    QString outputFolder() const { return m_outputFolder; }
    QString message() const; // the last problem shown, or empty
    // Writes the mask frames; an error for the user, or empty. OK calls it and closes on success.
    QString save();

public Q_SLOTS:
    void accept() override;

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateTrackControls();
    void retranslate();

    QString m_outputFolder;
    MaskPainter* m_painter = nullptr;
    QButtonGroup* m_tools = nullptr;
    QToolButton* m_brush = nullptr;
    QToolButton* m_eraser = nullptr;
    QToolButton* m_box = nullptr;
    QLabel* m_radiusLabel = nullptr;
    QSpinBox* m_radius = nullptr;
    QPushButton* m_clear = nullptr;
    QLabel* m_extensionLabel = nullptr;
    QComboBox* m_extension = nullptr;
    QSlider* m_frame = nullptr;
    QLabel* m_frameLabel = nullptr;
    QPushButton* m_removeKey = nullptr;
    QLabel* m_keys = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_message = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace wan::ui
