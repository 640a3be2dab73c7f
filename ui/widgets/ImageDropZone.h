#pragma once

#include "ImageInput.h"

#include <QFrame>

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

    QString imagePath() const { return m_imagePath; }
    QSize imageSize() const { return m_image.size(); }
    QSize outputSize() const;
    QString message() const; // the current hint or error text

Q_SIGNALS:
    void imageChanged(const QString& path);
    void imageRejected(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

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
    QLabel* m_thumbnail = nullptr;
    QLabel* m_info = nullptr;
    QPushButton* m_browse = nullptr;
    QPushButton* m_paste = nullptr;
    QPushButton* m_clear = nullptr;
};

} // namespace wan::ui
