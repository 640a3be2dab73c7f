#pragma once

#include <QDockWidget>
#include <QUuid>

class QAction;
class QTableView;
class QToolBar;

namespace wan::ui {

class ProgressPanel;
class QueueRunner;
class RenderQueueModel;

// The render queue as a dock: the table plus pause/resume, cancel, remove, duplicate, edit, retry, hold and
// open-folder actions. Rows are reordered by drag and drop.
class RenderQueueDock final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RenderQueueDock)

public:
    RenderQueueDock(RenderQueueModel* model, QueueRunner* runner, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    QUuid selectedJob() const;
    // The ETA column from `progress`: its stage-aware remaining time for the running job (the number the
    // panel shows) and, for queued jobs, the estimate from its remembered stage costs; repainted on every
    // change of the panel's estimate.
    void followEta(ProgressPanel* progress);
    QAction* pauseQueueAction() const { return m_pauseQueue; }
    QAction* variationsAction() const { return m_variations; }
    // Asks "same seed or new seed", then queues a copy of the selected job right below it; its id, or null
    // when cancelled.
    QUuid duplicateSelected();

Q_SIGNALS:
    void editRequested(const QUuid& id);
    void openRequested(const QUuid& id);       // show a finished job in the player
    void variationsRequested(const QUuid& id); // "Variations…" with this job's request as the base

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateActions();
    void retranslate();
    void openFolder();

    RenderQueueModel* m_model;
    QueueRunner* m_runner;
    QTableView* m_view = nullptr;
    QToolBar* m_toolbar = nullptr;
    QAction* m_pauseQueue = nullptr;
    QAction* m_cancel = nullptr;
    QAction* m_remove = nullptr;
    QAction* m_duplicate = nullptr;
    QAction* m_promote = nullptr; // a finished Draft job again as a Final job
    QAction* m_edit = nullptr;
    QAction* m_retry = nullptr;
    QAction* m_hold = nullptr;
    QAction* m_openFolder = nullptr;
    QAction* m_variations = nullptr; // right click only
};

} // namespace wan::ui
