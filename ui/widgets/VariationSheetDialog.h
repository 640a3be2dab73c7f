#pragma once

#include "ClipFrames.h"
#include "PlaybackClock.h"
#include "Variations.h"

#include <QDialog>
#include <QThreadPool>

class QGridLayout;
class QLabel;
class QPushButton;

namespace wan::ui {

class RenderQueueModel;
class SheetClipView;

// The contact sheet of a group of variations: every cell of the group side by side, labelled with its varied
// values, the finished ones playing in step from one clock (each shows the clock's frame modulo its length);
// cells not finished show their state, cells no longer in the queue show as missing. "Keep" on a finished
// cell marks it as the group's kept result; "Discard the others…" (after asking) removes the rest of the
// group from the queue and moves their folders to the trash. Follows the queue while open.
class VariationSheetDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VariationSheetDialog)

public:
    // `readVideo` decodes videos (unset: only picture results play).
    VariationSheetDialog(RenderQueueModel* queue, const QUuid& group, ClipReader readVideo = {},
                         QWidget* parent = nullptr);
    ~VariationSheetDialog() override; // waits for clips being decoded

    static constexpr QSize kCellSize{256, 160};

    const QUuid& group() const { return m_group; }
    PlaybackClock* clock() const { return m_clock; }
    int cellCount() const { return int(m_cells.size()); }
    QSize gridSize() const { return m_gridSize; } // columns × rows
    QRect cellGeometry(int cell) const;           // in the dialog's coordinates
    int cellFrame(int cell) const;                // the frame a cell shows now; -1: no clip (yet)
    QString cellText(int cell) const;             // its label and state
    QPushButton* keepButton(int cell) const;
    QPushButton* discardButton() const { return m_discard; }
    QPushButton* playButton() const { return m_play; }
    // Replaces the trash (tests); unset: QFile::moveToTrash.
    void setTrashFunction(TrashFunction trash) { m_trash = std::move(trash); }
    // Waits until no clip is being decoded (tests, screenshots).
    void waitForClips();
    // Asks, then discards every job of the group but the kept one. False when cancelled or nothing is kept.
    bool discardOthers();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Cell
    {
        QUuid job;
        QString path;  // the clip shown (or being decoded)
        QString state; // shown instead of the clip
        QString label;
        bool kept = false;
        QLabel* caption = nullptr;
        SheetClipView* view = nullptr;
        QPushButton* keep = nullptr;
        QList<QImage> frames;
    };

    void refresh();
    void loadClip(int cell, const QString& path);
    void showFrame();
    void retranslate();

    RenderQueueModel* m_queue;
    QUuid m_group;
    ClipReader m_readVideo;
    TrashFunction m_trash;
    PlaybackClock* m_clock = nullptr;
    QList<Cell> m_cells;
    QSize m_gridSize;
    QLabel* m_title = nullptr;
    QGridLayout* m_grid = nullptr;
    QPushButton* m_play = nullptr;
    QLabel* m_frameLabel = nullptr;
    QPushButton* m_discard = nullptr;
    QPushButton* m_close = nullptr;
    QThreadPool m_pool;
};

} // namespace wan::ui
