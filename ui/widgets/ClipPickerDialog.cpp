#include "ClipPickerDialog.h"

#include "RenderQueueModel.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace wan::ui {

ClipPickerDialog::ClipPickerDialog(const RenderQueueModel* queue, const QUuid& exclude, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("clipPickerDialog"));
    setWindowTitle(tr("Bridge two clips"));
    m_label = new QLabel(tr("The new clip starts on the last frame of the clip shown and ends on the first "
                            "frame of the clip you pick:"),
                         this);
    m_label->setWordWrap(true);
    m_list = new QListWidget(this);
    m_list->setIconSize(QSize(96, 40));
    for (const QUuid& id : finishedClips(queue, exclude)) {
        const RenderJob* job = queue->job(id);
        const int row = queue->rowOf(id);
        const QString prompt = QString::fromStdString(job->request.prompt).simplified();
        auto* item = new QListWidgetItem(
            tr("%1 · %2").arg(QFileInfo(job->outputPath).fileName(), prompt.left(80)), m_list);
        item->setIcon(QIcon(QPixmap::fromImage(
            queue->data(queue->index(row, RenderQueueModel::ThumbnailColumn), Qt::DecorationRole)
                .value<QImage>())));
        item->setToolTip(prompt);
        item->setData(Qt::UserRole, id);
    }
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_label);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_buttons);
    connect(m_list, &QListWidget::itemSelectionChanged, this, [this] {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_list->selectedItems().isEmpty());
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_list->count() > 0)
        m_list->setCurrentRow(m_list->count() - 1); // the newest
    resize(560, 360);
}

QList<QUuid> ClipPickerDialog::finishedClips(const RenderQueueModel* queue, const QUuid& exclude)
{
    QList<QUuid> ids;
    for (const RenderJob& job : queue->jobs())
        if (job.id != exclude && job.state == JobState::Done && !job.outputPath.isEmpty() &&
            QFileInfo(job.outputPath).isFile())
            ids.append(job.id);
    return ids;
}

int ClipPickerDialog::clipCount() const
{
    return m_list->count();
}

QUuid ClipPickerDialog::selectedJob() const
{
    const QList<QListWidgetItem*> items = m_list->selectedItems();
    return items.isEmpty() ? QUuid() : items.first()->data(Qt::UserRole).toUuid();
}

bool ClipPickerDialog::selectJob(const QUuid& id)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toUuid() == id) {
            m_list->setCurrentRow(i);
            return true;
        }
    return false;
}

} // namespace wan::ui
