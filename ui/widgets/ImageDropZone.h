#pragma once

#include "ImageInput.h"

#include <QFrame>
#include <QRect>

#include <optional>

class QLabel;
class QPushButton;

namespace wan::ui {

// The I2V input: drop an image file or a picture from a browser, paste from the clipboard, or browse.
// Shows a thumbnail, the image size and the output size the official area rounding leads to.
class ImageDropZone final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageDropZone)

public:
    enum class Arrangement
    {
        Beside = 1, // thumbnail left, text and buttons right
        Stacked     // thumbnail, text and buttons one below the other (for zones side by side)
    };

    // stashDir: where pasted/dropped image data is saved as PNG, since the engine reads files.
    explicit ImageDropZone(QString stashDir, QWidget* parent = nullptr,
                           Arrangement arrangement = Arrangement::Beside);

    bool setImageFromMime(const QMimeData* mime);
    bool setImageFile(const QString& path);
    void pasteFromClipboard();
    void clear();
    void setMaxArea(int maxArea);              // width*height of the chosen size
    void setShowsOutputSize(bool show);        // the "Video: W×H" line; off where the image does not set it
    void setBrowseTitle(const QString& title); // the file dialog's title; default "Choose the first frame"
    // I2V framing: a "Frame…" button (and double-click) opens the framing editor once an image is set; the
    // crop rectangle (pixels of the image as shown) is cleared when another image comes.
    void setFramingEnabled(bool enabled);
    void setTargetSize(QSize size); // the size chosen in the form: the framing box's aspect and the max area
    std::optional<QRect> crop() const { return m_crop; }
    void setCrop(std::optional<QRect> crop); // ignored (cleared) without an image or outside it
    void openFramingDialog();

    QString imagePath() const { return m_imagePath; }
    QSize imageSize() const { return m_image.size(); }
    const QImage& image() const { return m_image; }
    QSize outputSize() const;
    QString message() const; // the current hint or error text

Q_SIGNALS:
    void imageChanged(const QString& path);
    void imageRejected(const QString& message);
    void cropChanged();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    bool accept(ImageInput input);
    void reject(const QString& message);
    void refresh();
    void browse();

    QString m_stashDir;
    QImage m_image;
    QString m_imagePath;
    QString m_error;
    QString m_browseTitle;
    bool m_showsOutputSize = true;
    int m_maxArea = 832 * 480;
    QSize m_targetSize{832, 480};
    bool m_framingEnabled = false;
    std::optional<QRect> m_crop;
    QLabel* m_thumbnail = nullptr;
    QLabel* m_info = nullptr;
    QPushButton* m_browse = nullptr;
    QPushButton* m_paste = nullptr;
    QPushButton* m_clear = nullptr;
    QPushButton* m_frame = nullptr;
};

} // namespace wan::ui
