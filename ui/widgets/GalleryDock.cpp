#include "GalleryDock.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QToolBar>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace wan::ui {

GalleryDock::GalleryDock(GalleryModel* model, QWidget* parent) : QDockWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("galleryDock"));
    auto* content = new QWidget(this);
    m_search = new QLineEdit(content);
    m_search->setClearButtonEnabled(true);
    m_view = new QListView(content);
    m_view->setModel(model);
    m_view->setViewMode(QListView::IconMode);
    m_view->setIconSize(GalleryModel::kThumbnailSize);
    m_view->setGridSize(GalleryModel::kThumbnailSize + QSize(20, 40));
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setUniformItemSizes(true);
    m_view->setWordWrap(true);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::DragOnly);
    m_view->setDefaultDropAction(Qt::CopyAction);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_details = new QLabel(content);
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setMinimumWidth(260);
    m_details->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);

    m_toolbar = new QToolBar(content);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolbar->setIconSize(QSize(16, 16));
    m_loadMenu = new QMenu(this);
    m_loadEverything = m_loadMenu->addAction(QString());
    m_loadPrompt = m_loadMenu->addAction(QString());
    m_loadAllButSeed = m_loadMenu->addAction(QString());
    m_loadButton = new QToolButton(m_toolbar);
    m_loadButton->setIcon(QIcon(QStringLiteral(":/icons/edit.svg")));
    m_loadButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_loadButton->setPopupMode(QToolButton::InstantPopup);
    m_loadButton->setMenu(m_loadMenu);
    m_toolbar->addWidget(m_loadButton);
    const auto action = [this](const char* icon) {
        auto* a =
            new QAction(QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(icon))), QString(), this);
        m_toolbar->addAction(a);
        return a;
    };
    m_lastFrame = action("duplicate");
    m_openFolder = action("folder");
    m_delete = action("remove");
    m_refresh = action("retry");
    m_variations = new QAction(this);
    m_view->addActions({m_loadEverything, m_loadPrompt, m_loadAllButSeed});
    auto* separator = new QAction(this);
    separator->setSeparator(true);
    m_view->addActions({separator, m_lastFrame, m_variations, m_openFolder, m_delete});

    auto* side = new QWidget(content);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_details);
    auto* body = new QHBoxLayout;
    body->addWidget(m_view, 1);
    body->addWidget(side);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(m_toolbar);
    layout->addLayout(top);
    layout->addLayout(body, 1);
    setWidget(content);

    connect(m_search, &QLineEdit::textChanged, model, &GalleryModel::setFilter);
    const auto load = [this](RecallScope scope) {
        if (const QUuid id = selectedJob(); !id.isNull())
            Q_EMIT loadSettingsRequested(id, scope);
    };
    connect(m_loadEverything, &QAction::triggered, this, [load] { load(RecallScope::Everything); });
    connect(m_loadPrompt, &QAction::triggered, this, [load] { load(RecallScope::PromptOnly); });
    connect(m_loadAllButSeed, &QAction::triggered, this, [load] { load(RecallScope::AllButSeed); });
    connect(m_lastFrame, &QAction::triggered, this, [this] {
        if (const QUuid id = selectedJob(); !id.isNull())
            Q_EMIT lastFrameRequested(id);
    });
    connect(m_openFolder, &QAction::triggered, this, [this] {
        if (const RenderJob* job = m_model->job(selectedJob()))
            QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(job->outputPath).absolutePath()));
    });
    connect(m_delete, &QAction::triggered, this, &GalleryDock::deleteSelected);
    connect(m_variations, &QAction::triggered, this, [this] {
        if (const QUuid id = selectedJob(); !id.isNull())
            Q_EMIT variationsRequested(id);
    });
    connect(m_refresh, &QAction::triggered, model, &GalleryModel::refreshArchive);
    connect(m_view, &QListView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const QUuid id = m_model->idAt(index.row()); !id.isNull())
            Q_EMIT openRequested(id);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &GalleryDock::updateActions);
    // A reset (the queue changed order, the filter) keeps the selected result selected.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_selectedBeforeReset = selectedJob(); });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_selectedBeforeReset.isNull() && m_model->rowOf(m_selectedBeforeReset) >= 0)
            m_view->setCurrentIndex(m_model->index(m_model->rowOf(m_selectedBeforeReset)));
        m_selectedBeforeReset = QUuid();
        updateActions();
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, &GalleryDock::updateActions);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &GalleryDock::updateActions);
    connect(model, &QAbstractItemModel::dataChanged, this, &GalleryDock::updateActions);
    retranslate();
}

QUuid GalleryDock::selectedJob() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    return rows.isEmpty() ? QUuid() : m_model->idAt(rows.first().row());
}

void GalleryDock::selectJob(const QUuid& id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        m_view->clearSelection();
    else
        m_view->setCurrentIndex(m_model->index(row));
    updateActions();
}

QString GalleryDock::detailsText() const
{
    return m_details->text();
}

void GalleryDock::updateActions()
{
    const RenderJob* job = m_model->job(selectedJob());
    for (QAction* a :
         {m_loadEverything, m_loadPrompt, m_loadAllButSeed, m_openFolder, m_delete, m_variations})
        a->setEnabled(job != nullptr);
    m_loadButton->setEnabled(job != nullptr);
    // A still picture has no last frame to continue from.
    m_lastFrame->setEnabled(
        job && QFileInfo(job->outputPath).suffix().compare(QLatin1String("mp4"), Qt::CaseInsensitive) == 0);
    if (job) {
        m_details->setText(
            m_model->data(m_model->index(m_model->rowOf(job->id)), GalleryModel::SettingsRole).toString());
    } else {
        m_details->setText(m_model->rowCount() == 0
                               ? (m_model->filter().isEmpty()
                                      ? tr("Finished results show here.")
                                      : tr("No result's prompt contains “%1”.").arg(m_model->filter()))
                               : tr("Select a result to see its settings."));
    }
}

bool GalleryDock::deleteSelected()
{
    const QUuid id = selectedJob();
    const RenderJob* job = m_model->job(id);
    if (!job)
        return false;
    const QString folder = QDir::toNativeSeparators(QFileInfo(job->outputPath).absolutePath());
    const QString question =
        m_model->isArchived(id)
            ? tr("Move this result's folder to the trash?\n\n%1\n\nThe video, its settings and its log go "
                 "with it.")
            : tr("Move this result's folder to the trash?\n\n%1\n\nThe video, its settings and its log go "
                 "with it; the job leaves the render queue.");
    const auto answer = QMessageBox::question(this, tr("Delete result"), question.arg(folder),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return false;
    QString error;
    if (!m_model->moveToTrash(id, &error)) {
        QMessageBox::warning(this, tr("Delete result"), error);
        return false;
    }
    Q_EMIT messageRequested(tr("Moved %1 to the trash.").arg(folder));
    return true;
}

void GalleryDock::retranslate()
{
    setWindowTitle(tr("Gallery"));
    m_search->setPlaceholderText(tr("Search prompts"));
    m_loadButton->setText(tr("Load settings"));
    m_loadButton->setToolTip(tr("Put this result's settings into the form"));
    m_loadEverything->setText(tr("Load settings: everything (same seed)"));
    m_loadPrompt->setText(tr("Load settings: prompt only"));
    m_loadAllButSeed->setText(tr("Load settings: all but the seed"));
    m_lastFrame->setText(tr("Last frame as I2V image"));
    m_lastFrame->setToolTip(tr("Use the video's last frame as the first frame of an image-to-video job"));
    m_openFolder->setText(tr("Open folder"));
    m_delete->setText(tr("Delete"));
    m_delete->setToolTip(tr("Move the result's folder to the trash (asks first)"));
    m_variations->setText(tr("Variations…"));
    m_variations->setToolTip(tr("Queue several seeds, or a grid of guidance, shift and steps, of this "
                                "result's settings as one group"));
    m_refresh->setText(tr("Refresh"));
    m_refresh->setToolTip(tr("Read the output folder again for results made earlier or elsewhere"));
    updateActions();
}

void GalleryDock::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDockWidget::changeEvent(event);
}

} // namespace wan::ui
