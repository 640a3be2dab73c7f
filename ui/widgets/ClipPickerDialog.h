#pragma once

#include <QDialog>
#include <QUuid>

class QDialogButtonBox;
class QLabel;
class QListWidget;

namespace wan::ui {

class RenderQueueModel;

// Picks a finished clip of the render queue (the second clip of "Bridge two clips").
class ClipPickerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClipPickerDialog)

public:
    // Lists the queue's finished jobs whose output file exists, except `exclude`.
    ClipPickerDialog(const RenderQueueModel* queue, const QUuid& exclude, QWidget* parent = nullptr);

    int clipCount() const;
    QUuid selectedJob() const;
    bool selectJob(const QUuid& id);

    static QList<QUuid> finishedClips(const RenderQueueModel* queue, const QUuid& exclude);

private:
    QLabel* m_label = nullptr;
    QListWidget* m_list = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace wan::ui
