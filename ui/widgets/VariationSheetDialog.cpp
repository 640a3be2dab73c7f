#include "VariationSheetDialog.h"

#include "RenderQueueModel.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

namespace wan::ui {

namespace {
void clearLayout(QLayout* layout)
{
    while (QLayoutItem* item = layout->takeAt(0)) {
        if (QLayout* child = item->layout())
            clearLayout(child);
        delete item->widget();
        delete item;
    }
}
} // namespace

// One cell's picture: the clip's current frame, letterboxed, or the cell's state when there is no clip.
class SheetClipView final : public QWidget
{
public:
    explicit SheetClipView(QWidget* parent) : QWidget(parent)
    {
        setFixedSize(VariationSheetDialog::kCellSize);
    }
    void show(const QImage& image, const QString& text, bool kept)
    {
        m_image = image;
        m_text = text;
        m_kept = kept;
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        painter.fillRect(rect(), QColor(24, 24, 28));
        if (!m_image.isNull()) {
            const QSize size = m_image.size().scaled(this->size(), Qt::KeepAspectRatio);
            const QRect target(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
            painter.setRenderHint(QPainter::SmoothPixmapTransform);
            painter.drawImage(target, m_image);
        }
        if (!m_text.isEmpty()) {
            painter.setPen(QColor(210, 210, 215));
            painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_text);
        }
        if (m_kept) { // the group's kept result stands out
            painter.setPen(QPen(QColor(46, 204, 113), 4));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(rect().adjusted(2, 2, -2, -2));
        }
    }

private:
    QImage m_image;
    QString m_text;
    bool m_kept = false;
};

VariationSheetDialog::VariationSheetDialog(RenderQueueModel* queue, const QUuid& group, ClipReader readVideo,
                                           QWidget* parent)
    : QDialog(parent), m_queue(queue), m_group(group), m_readVideo(std::move(readVideo)),
      m_clock(new PlaybackClock(this))
{
    setObjectName(QStringLiteral("variationSheet"));
    m_pool.setMaxThreadCount(1);
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    m_grid = new QGridLayout;
    m_grid->setSpacing(8);
    m_play = new QPushButton(this);
    m_frameLabel = new QLabel(this);
    m_frameLabel->setMinimumWidth(
        m_frameLabel->fontMetrics().horizontalAdvance(QStringLiteral("Frame 0000 of 0000")));
    m_discard = new QPushButton(this);
    m_close = new QPushButton(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_play);
    controls->addWidget(m_frameLabel);
    controls->addStretch();
    controls->addWidget(m_discard);
    controls->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(m_grid);
    layout->addStretch();
    layout->addLayout(controls);

    connect(m_play, &QPushButton::clicked, m_clock, &PlaybackClock::togglePlaying);
    connect(m_clock, &PlaybackClock::playingChanged, this, &VariationSheetDialog::retranslate);
    connect(m_clock, &PlaybackClock::frameChanged, this, &VariationSheetDialog::showFrame);
    connect(m_discard, &QPushButton::clicked, this, &VariationSheetDialog::discardOthers);
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    connect(queue, &QAbstractItemModel::dataChanged, this, &VariationSheetDialog::refresh);
    connect(queue, &QAbstractItemModel::rowsInserted, this, &VariationSheetDialog::refresh);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, &VariationSheetDialog::refresh);
    connect(queue, &QAbstractItemModel::modelReset, this, &VariationSheetDialog::refresh);
    refresh();
    retranslate();
    if (const QList<const RenderJob*> jobs = variationGroupJobs(queue->jobs(), group); !jobs.isEmpty())
        m_clock->setFps(jobs.first()->request.fps);
}

VariationSheetDialog::~VariationSheetDialog()
{
    m_pool.clear();
    m_pool.waitForDone();
}

void VariationSheetDialog::waitForClips()
{
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this);
}

QRect VariationSheetDialog::cellGeometry(int cell) const
{
    if (cell < 0 || cell >= m_cells.size())
        return {};
    const QWidget* view = m_cells[cell].view;
    return QRect(view->mapTo(this, QPoint(0, 0)), view->size());
}

int VariationSheetDialog::cellFrame(int cell) const
{
    if (cell < 0 || cell >= m_cells.size())
        return -1;
    return PlaybackClock::clipFrame(m_clock->frame(), int(m_cells[cell].frames.size()));
}

QString VariationSheetDialog::cellText(int cell) const
{
    if (cell < 0 || cell >= m_cells.size())
        return {};
    const Cell& c = m_cells[cell];
    return c.state.isEmpty() ? c.caption->text() : c.caption->text() + QLatin1Char('\n') + c.state;
}

QPushButton* VariationSheetDialog::keepButton(int cell) const
{
    return cell >= 0 && cell < m_cells.size() ? m_cells[cell].keep : nullptr;
}

void VariationSheetDialog::refresh()
{
    const QList<const RenderJob*> jobs = variationGroupJobs(m_queue->jobs(), m_group);
    int count = 0;
    int columns = 0;
    for (const RenderJob* job : jobs) {
        count = std::max(count, job->variation.count);
        columns = job->variation.columns;
    }
    count = std::min(count, kMaxVariations);
    if (count != m_cells.size()) {
        clearLayout(m_grid);
        m_cells.clear();
        m_gridSize = variationSheetGrid(count, columns);
        for (int i = 0; i < count; ++i) {
            Cell cell;
            cell.view = new SheetClipView(this);
            cell.caption = new QLabel(this);
            cell.caption->setTextFormat(Qt::PlainText);
            cell.caption->setMaximumWidth(kCellSize.width());
            cell.keep = new QPushButton(this);
            auto* row = new QHBoxLayout;
            row->addWidget(cell.caption, 1);
            row->addWidget(cell.keep);
            auto* box = new QVBoxLayout;
            box->setSpacing(2);
            box->addWidget(cell.view);
            box->addLayout(row);
            m_grid->addLayout(box, i / m_gridSize.width(), i % m_gridSize.width());
            connect(cell.keep, &QPushButton::clicked, this, [this, i] {
                if (i < m_cells.size())
                    m_queue->keepVariation(m_cells[i].job);
            });
            m_cells.append(cell);
        }
    }
    bool anyKept = false;
    for (int i = 0; i < m_cells.size(); ++i) {
        Cell& cell = m_cells[i];
        const RenderJob* job = nullptr;
        for (const RenderJob* candidate : jobs)
            if (candidate->variation.index == i)
                job = candidate;
        QString path;
        bool kept = false;
        if (!job) {
            cell.job = QUuid();
            cell.label.clear();
            cell.state = tr("Missing: no longer in the queue");
        } else {
            cell.job = job->id;
            cell.label = variationLabel(job->request, job->variation);
            kept = job->variation.kept;
            const bool done = job->state == JobState::Done;
            const bool exists = done && !job->outputPath.isEmpty() && QFileInfo(job->outputPath).isFile();
            if (exists)
                path = job->outputPath;
            cell.state =
                exists ? QString()
                : done ? tr("Missing: the result file is gone")
                : job->state == JobState::Running
                    ? tr("%1 %2%").arg(jobStateText(job->state)).arg(int(job->progress * 100.0 + 0.5))
                    : jobStateText(job->state);
        }
        anyKept = anyKept || kept;
        cell.kept = kept;
        cell.caption->setText(QStringLiteral("%1 · %2").arg(i + 1).arg(
            cell.label.isEmpty() ? QStringLiteral("—") : cell.label));
        cell.caption->setToolTip(job && !job->error.isEmpty() ? job->error : cell.label);
        cell.keep->setText(kept ? tr("Kept") : tr("Keep"));
        cell.keep->setEnabled(!path.isEmpty() && !kept);
        if (path != cell.path) {
            cell.path = path;
            cell.frames.clear();
            if (!path.isEmpty()) {
                cell.state = tr("Loading…");
                loadClip(i, path);
            }
        } else if (!path.isEmpty() && cell.frames.isEmpty() && cell.state.isEmpty()) {
            cell.state = tr("Loading…");
        }
    }
    const RenderJob* first = jobs.isEmpty() ? nullptr : jobs.first();
    m_title->setText(first ? QString::fromStdString(first->request.prompt).simplified()
                           : tr("No job of this group is left in the queue."));
    m_discard->setEnabled(anyKept && jobs.size() > 1);
    showFrame();
}

void VariationSheetDialog::loadClip(int cell, const QString& path)
{
    // The pool is the dialog's own and the destructor waits for it: `this` outlives every task.
    m_pool.start([this, cell, path, read = m_readVideo] {
        ClipFrames clip = readClipFrames(path, kCellSize, read);
        QMetaObject::invokeMethod(
            this,
            [this, cell, path, clip = std::move(clip)] {
                if (cell >= m_cells.size() || m_cells[cell].path != path)
                    return; // the cell shows something else by now
                m_cells[cell].frames = clip.frames;
                m_cells[cell].state = clip.isValid() ? QString() : clip.error;
                showFrame();
            },
            Qt::QueuedConnection);
    });
}

void VariationSheetDialog::showFrame()
{
    int longest = 0;
    for (Cell& cell : m_cells) {
        const int frame = PlaybackClock::clipFrame(m_clock->frame(), int(cell.frames.size()));
        cell.view->show(frame >= 0 ? cell.frames[frame] : QImage(), cell.state, cell.kept);
        longest = std::max(longest, int(cell.frames.size()));
    }
    m_frameLabel->setText(
        longest > 0
            ? tr("Frame %1 of %2").arg(PlaybackClock::clipFrame(m_clock->frame(), longest) + 1).arg(longest)
            : QString());
}

bool VariationSheetDialog::discardOthers()
{
    const QList<const RenderJob*> jobs = variationGroupJobs(m_queue->jobs(), m_group);
    const RenderJob* kept = nullptr;
    int running = 0;
    for (const RenderJob* job : jobs) {
        if (job->variation.kept)
            kept = job;
        else if (job->state == JobState::Running)
            ++running;
    }
    if (!kept || jobs.size() < 2)
        return false;
    const QUuid keep = kept->id;
    const int others = int(jobs.size()) - 1 - running;
    QString text = tr("Keep only %1 and discard the other %n job(s) of this group? Their results go to the "
                      "trash and they leave the queue.",
                      nullptr, others)
                       .arg(variationLabel(kept->request, kept->variation));
    if (running > 0)
        text += QLatin1Char('\n') + tr("The running job is left alone; cancel it in the render queue.");
    QMessageBox box(QMessageBox::Question, tr("Discard the others"), text, QMessageBox::Cancel, this);
    QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != discard)
        return false;
    QStringList problems;
    discardOtherVariations(m_queue, keep, m_trash, &problems);
    if (!problems.isEmpty())
        QMessageBox::warning(this, tr("Discard the others"), problems.join(QLatin1Char('\n')));
    return true;
}

void VariationSheetDialog::retranslate()
{
    setWindowTitle(tr("Variations"));
    m_play->setText(m_clock->isPlaying() ? tr("Pause") : tr("Play"));
    m_discard->setText(tr("Discard the others…"));
    m_discard->setToolTip(tr("Keep only the kept result: the group's other jobs leave the queue and their "
                             "folders go to the trash (asks first)"));
    m_close->setText(tr("Close"));
    refresh();
}

void VariationSheetDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange && m_close)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace wan::ui
