#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSlider;

namespace wan::ui {

// The VACE inputs: a source video and a mask (each a video file or a folder of PNG frames), reference
// images, and the context scale (how strongly the source steers the result).
class VaceInputPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VaceInputPanel)

public:
    static constexpr double kMaxContextScale = 2.0;

    explicit VaceInputPanel(QWidget* parent = nullptr);

    QString sourceVideo() const;
    void setSourceVideo(const QString& path);
    QString sourceMask() const;
    void setSourceMask(const QString& path);
    QStringList referenceImages() const;
    void setReferenceImages(const QStringList& paths);
    void addReferenceImages(const QStringList& paths);
    double contextScale() const;
    void setContextScale(double scale);
    // With a source: true = the request takes the source's size and frame count (0 = the source's).
    bool useSourceSize() const;
    void setUseSourceSize(bool use);
    void clear();

Q_SIGNALS:
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    enum class PathKind
    {
        Source = 1,
        Mask
    };
    void browseFile(PathKind kind);
    void browseFolder(PathKind kind);
    void browseReferences();
    void removeSelectedReferences();
    void updateButtons();
    void retranslate();

    QLabel* m_sourceLabel = nullptr;
    QLineEdit* m_source = nullptr;
    QPushButton* m_sourceFile = nullptr;
    QPushButton* m_sourceFolder = nullptr;
    QLabel* m_maskLabel = nullptr;
    QLineEdit* m_mask = nullptr;
    QPushButton* m_maskFile = nullptr;
    QPushButton* m_maskFolder = nullptr;
    QLabel* m_refsLabel = nullptr;
    QListWidget* m_refs = nullptr;
    QPushButton* m_addRefs = nullptr;
    QPushButton* m_removeRefs = nullptr;
    QLabel* m_scaleLabel = nullptr;
    QSlider* m_scale = nullptr;
    QLabel* m_scaleValue = nullptr;
    QCheckBox* m_useSourceSize = nullptr;
    QLabel* m_hint = nullptr;
};

} // namespace wan::ui
