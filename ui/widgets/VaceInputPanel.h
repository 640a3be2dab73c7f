#pragma once

#include "SourceFrames.h"

#include <QWidget>

class QCheckBox;
class QMimeData;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSlider;

namespace wan::ui {

class MaskPainterDialog;

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
    // The size and length come from the source (a source is set and useSourceSize()).
    bool sizeFromSource() const { return useSourceSize() && !sourceVideo().isEmpty(); }
    void clear();

    // Reference images dropped from a file manager; anything else is refused with a message. True when at
    // least one image was added.
    bool addReferencesFromMime(const QMimeData* mime);
    // The mask painter: decodes video files with `reader`, writes drawn masks under `draftDir`.
    void setVideoFrameReader(VideoFrameReader reader) { m_readVideo = std::move(reader); }
    void setDraftDir(const QString& dir) { m_draftDir = dir; }
    // Opens the painter over the source's first frame (window-modal); on OK its folder becomes the mask.
    // Returns the dialog, or nullptr with the reason shown as the message.
    MaskPainterDialog* drawMask();
    QString message() const; // the last problem shown, or empty

Q_SIGNALS:
    void changed();
    void inputRejected(const QString& message);

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

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
    void showMessage(const QString& message);
    void retranslate();

    VideoFrameReader m_readVideo;
    QString m_draftDir;

    QLabel* m_sourceLabel = nullptr;
    QLineEdit* m_source = nullptr;
    QPushButton* m_sourceFile = nullptr;
    QPushButton* m_sourceFolder = nullptr;
    QLabel* m_maskLabel = nullptr;
    QLineEdit* m_mask = nullptr;
    QPushButton* m_maskFile = nullptr;
    QPushButton* m_maskFolder = nullptr;
    QPushButton* m_maskDraw = nullptr;
    QLabel* m_refsLabel = nullptr;
    QListWidget* m_refs = nullptr;
    QPushButton* m_addRefs = nullptr;
    QPushButton* m_removeRefs = nullptr;
    QLabel* m_scaleLabel = nullptr;
    QSlider* m_scale = nullptr;
    QLabel* m_scaleValue = nullptr;
    QCheckBox* m_useSourceSize = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace wan::ui
