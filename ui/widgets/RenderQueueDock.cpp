#include "RenderQueueDock.h"

#include "ProgressPanel.h"
#include "QueueRunner.h"
#include "RenderQueueModel.h"

#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QIcon>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace wan::ui {

namespace {
// The progress column as a bar rather than a number.
class ProgressDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const auto state = JobState(index.data(RenderQueueModel::StateRole).toInt());
        if (state != JobState::Running && state != JobState::Done) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(3, 8, -3, -8);
        bar.minimum = 0;
        bar.maximum = 100;
        bar.progress = int(index.data(RenderQueueModel::ProgressRole).toDouble() * 100.0 + 0.5);
        bar.text = index.data(Qt::DisplayRole).toString();
        bar.textVisible = true;
        bar.state = option.state | QStyle::State_Horizontal;
        const QWidget* widget = option.widget;
        QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
    }
};
} // namespace

RenderQueueDock::RenderQueueDock(RenderQueueModel* model, QueueRunner* runner, QWidget* parent)
    : QDockWidget(parent), m_model(model), m_runner(runner)
{
    setObjectName(QStringLiteral("renderQueueDock"));
    auto* content = new QWidget(this);
    m_toolbar = new QToolBar(content);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolbar->setIconSize(QSize(16, 16));
    m_view = new QTableView(content);
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setDragEnabled(true);
    m_view->setAcceptDrops(true);
    m_view->setDropIndicatorShown(true);
    m_view->setDragDropMode(QAbstractItemView::InternalMove);
    m_view->setDefaultDropAction(Qt::MoveAction);
    m_view->setDragDropOverwriteMode(false);
    m_view->verticalHeader()->setDefaultSectionSize(44);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(RenderQueueModel::PromptColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(RenderQueueModel::ThumbnailColumn, 84);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->setWordWrap(false);
    m_view->setItemDelegateForColumn(RenderQueueModel::ProgressColumn, new ProgressDelegate(m_view));

    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_view);
    setWidget(content);

    const auto action = [this](const char* icon) {
        auto* a =
            new QAction(QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(icon))), QString(), this);
        m_toolbar->addAction(a);
        m_view->addAction(a);
        return a;
    };
    m_pauseQueue = action("pause");
    m_pauseQueue->setCheckable(true);
    m_cancel = action("cancel");
    m_remove = action("remove");
    m_duplicate = action("duplicate");
    m_promote = action("duplicate");
    m_edit = action("edit");
    m_retry = action("retry");
    m_hold = action("hold");
    m_openFolder = action("folder");
    m_variations = new QAction(this);
    m_view->addAction(m_variations);
    connect(m_variations, &QAction::triggered, this, [this] {
        if (const QUuid id = selectedJob(); !id.isNull())
            Q_EMIT variationsRequested(id);
    });

    // A queue restored paused (after a crash) shows as paused, so the first click resumes it.
    m_pauseQueue->setChecked(runner->isQueuePaused());
    connect(m_pauseQueue, &QAction::toggled, runner, &QueueRunner::setQueuePaused);
    connect(runner, &QueueRunner::queuePausedChanged, this, [this](bool paused) {
        m_pauseQueue->setChecked(paused);
        retranslate();
    });
    connect(m_cancel, &QAction::triggered, this, [this] { m_runner->cancelJob(selectedJob()); });
    connect(m_remove, &QAction::triggered, this, [this] { m_model->removeJob(selectedJob()); });
    connect(m_duplicate, &QAction::triggered, this, [this] { duplicateSelected(); });
    connect(m_promote, &QAction::triggered, this, [this] {
        if (const RenderJob* job = m_model->job(selectedJob()))
            if (auto final = promotedToFinal(*job))
                m_model->addJob(std::move(*final));
    });
    connect(m_edit, &QAction::triggered, this, [this] { Q_EMIT editRequested(selectedJob()); });
    connect(m_retry, &QAction::triggered, this, [this] { m_model->retryJob(selectedJob()); });
    connect(m_hold, &QAction::triggered, this, [this] {
        const QUuid id = selectedJob();
        if (id == m_runner->runningJob())
            m_runner->pauseRunningJob(id); // stops at the next step, keeps its checkpoint, frees the GPU
        else if (!m_model->pauseJob(id))
            m_model->resumeJob(id);
    });
    connect(m_openFolder, &QAction::triggered, this, &RenderQueueDock::openFolder);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const QUuid id = m_model->idAt(index.row());
        const RenderJob* job = m_model->job(id);
        if (job && job->state == JobState::Done)
            Q_EMIT openRequested(id);
        else if (job && isPending(job->state))
            Q_EMIT editRequested(id);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RenderQueueDock::updateActions);
    connect(model, &QAbstractItemModel::dataChanged, this, &RenderQueueDock::updateActions);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &RenderQueueDock::updateActions);
    retranslate();
    updateActions();
}

void RenderQueueDock::followEta(ProgressPanel* progress)
{
    // The model may outlive the window and its panel (it belongs to the composition root).
    const QPointer<ProgressPanel> panel(progress);
    RenderQueueModel::EtaSource source;
    source.costs = [panel]() -> const StageCostStore* { return panel ? &panel->stageCosts() : nullptr; };
    source.runningRemaining = [panel](const QUuid& running) {
        return panel && panel->job() == running ? panel->remainingSeconds() : -1.0;
    };
    m_model->setEtaSource(std::move(source));
    connect(progress, &ProgressPanel::etaChanged, m_model, &RenderQueueModel::refreshEta);
}

QUuid RenderQueueDock::selectedJob() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QUuid() : m_model->idAt(rows.first().row());
}

void RenderQueueDock::updateActions()
{
    const RenderJob* job = m_model->job(selectedJob());
    const JobState state = job ? job->state : JobState{};
    m_cancel->setEnabled(job && (isPending(state) || state == JobState::Running));
    m_remove->setEnabled(job && state != JobState::Running);
    m_duplicate->setEnabled(job != nullptr);
    m_variations->setEnabled(job != nullptr);
    m_promote->setEnabled(job && state == JobState::Done &&
                          job->request.samplerMode == wan::SamplerMode::Distilled);
    m_edit->setEnabled(job && isPending(state));
    m_retry->setEnabled(job && (state == JobState::Failed || state == JobState::Cancelled));
    m_hold->setEnabled(job && (isPending(state) || state == JobState::Running));
    m_hold->setText(state == JobState::Running  ? tr("Pause and free GPU")
                    : state == JobState::Paused ? tr("Release")
                                                : tr("Hold"));
    m_openFolder->setEnabled(job && !job->folder.isEmpty() && QFileInfo(job->folder).isDir());
}

QUuid RenderQueueDock::duplicateSelected()
{
    const RenderJob* job = m_model->job(selectedJob());
    if (!job)
        return {};
    const QUuid source = job->id;
    QMessageBox box(
        QMessageBox::Question, tr("Duplicate"),
        tr("Duplicate with the same seed (the same video again when nothing else changes) or with a "
           "new random seed?"),
        QMessageBox::Cancel, this);
    QPushButton* same = box.addButton(tr("Same seed"), QMessageBox::AcceptRole);
    QPushButton* fresh = box.addButton(tr("New seed"), QMessageBox::AcceptRole);
    box.setDefaultButton(fresh);
    box.exec();
    if (box.clickedButton() != same && box.clickedButton() != fresh)
        return {};
    const QUuid copy = m_model->duplicateJob(source);
    if (!copy.isNull() && box.clickedButton() == fresh) {
        wan::Request request = m_model->job(copy)->request;
        request.seed = -1; // drawn when the job starts
        m_model->updatePendingRequest(copy, request);
    }
    return copy;
}

void RenderQueueDock::openFolder()
{
    if (const RenderJob* job = m_model->job(selectedJob()))
        QDesktopServices::openUrl(QUrl::fromLocalFile(job->folder));
}

void RenderQueueDock::retranslate()
{
    setWindowTitle(m_runner->isQueuePaused() ? tr("Render queue (paused)") : tr("Render queue"));
    m_pauseQueue->setText(m_runner->isQueuePaused() ? tr("Resume queue") : tr("Pause queue"));
    m_pauseQueue->setToolTip(tr("Pause after the current job / resume"));
    m_cancel->setText(tr("Cancel"));
    m_remove->setText(tr("Remove"));
    m_duplicate->setText(tr("Duplicate"));
    m_promote->setText(tr("Promote to final"));
    m_promote->setToolTip(tr("Queue this draft again with the full sampler, the same settings and seed"));
    m_edit->setText(tr("Edit"));
    m_edit->setToolTip(tr("Load this queued job into the editor to change it"));
    m_retry->setText(tr("Retry"));
    m_hold->setToolTip(tr("Hold a queued job (the queue skips it) or release it; pause the running job at "
                          "the next step and free the GPU (releasing it continues from there)"));
    m_openFolder->setText(tr("Open folder"));
    m_variations->setText(tr("Variations…"));
    m_variations->setToolTip(tr("Queue several seeds, or a grid of guidance, shift and steps, of this job's "
                                "settings as one group"));
    updateActions();
}

void RenderQueueDock::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        Q_EMIT m_model->headerDataChanged(Qt::Horizontal, 0, RenderQueueModel::ColumnCount - 1);
        m_view->viewport()->update();
    }
    QDockWidget::changeEvent(event);
}

} // namespace wan::ui
