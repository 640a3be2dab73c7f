#include "ModelManagerDialog.h"

#include "ModelDownloads.h"
#include "SecretStore.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace wan::ui {

namespace {

enum AvailableColumn
{
    kTitleColumn = 0,
    kTaskColumn,
    kSizeColumn,
    kProgressColumn,
};

// The endpoint combo's entries: what wan::parseHubEndpoint takes.
const char* const kEndpointValues[] = {"huggingface", "hf-mirror", "modelscope"};

} // namespace

ModelManagerDialog::ModelManagerDialog(ModelDownloads* downloads, QWidget* parent)
    : QDialog(parent), m_downloads(downloads)
{
    setWindowTitle(tr("Models"));
    auto* layout = new QVBoxLayout(this);

    auto* rootRow = new QHBoxLayout;
    rootRow->addWidget(new QLabel(tr("Models folder:"), this));
    m_root = new QLabel(this);
    m_root->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rootRow->addWidget(m_root, 1);
    auto* changeRoot = new QPushButton(tr("Change…"), this);
    rootRow->addWidget(changeRoot);
    layout->addLayout(rootRow);

    auto* endpointRow = new QHBoxLayout;
    endpointRow->addWidget(new QLabel(tr("Download from:"), this));
    m_endpoint = new QComboBox(this);
    m_endpoint->addItem(tr("Hugging Face"));
    m_endpoint->addItem(tr("hf-mirror.com (mainland China)"));
    m_endpoint->addItem(tr("ModelScope (mainland China)"));
    m_endpoint->addItem(tr("Other server (URL)"));
    endpointRow->addWidget(m_endpoint);
    m_customUrl = new QLineEdit(this);
    m_customUrl->setPlaceholderText(tr("https://… or modelscope:https://…"));
    endpointRow->addWidget(m_customUrl, 1);
    layout->addLayout(endpointRow);
    m_endpointProblem = new QLabel(this);
    m_endpointProblem->setWordWrap(true);
    setSemanticStyle(m_endpointProblem, SemanticColor::Error);
    m_endpointProblem->hide();
    layout->addWidget(m_endpointProblem);

    layout->addWidget(makeOptionsBox());

    auto* installedBox = new QGroupBox(tr("Installed"), this);
    auto* installedLayout = new QVBoxLayout(installedBox);
    m_installed = new QTreeWidget(installedBox);
    m_installed->setHeaderLabels({tr("Model"), tr("Size"), tr("Location")});
    m_installed->setRootIsDecorated(false);
    m_installed->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_installed->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    installedLayout->addWidget(m_installed);
    auto* installedButtons = new QHBoxLayout;
    m_use = new QPushButton(tr("Use this model"), installedBox);
    m_open = new QPushButton(tr("Open folder"), installedBox);
    m_delete = new QPushButton(tr("Delete…"), installedBox);
    installedButtons->addWidget(m_use);
    installedButtons->addWidget(m_open);
    installedButtons->addStretch(1);
    installedButtons->addWidget(m_delete);
    installedLayout->addLayout(installedButtons);
    layout->addWidget(installedBox, 1);

    auto* availableBox = new QGroupBox(tr("Available"), this);
    auto* availableLayout = new QVBoxLayout(availableBox);
    m_available = new QTreeWidget(availableBox);
    m_available->setHeaderLabels({tr("Model"), tr("Task"), tr("Size"), tr("Progress")});
    m_available->setRootIsDecorated(false);
    m_available->header()->setSectionResizeMode(kTitleColumn, QHeaderView::ResizeToContents);
    m_available->header()->setSectionResizeMode(kTaskColumn, QHeaderView::ResizeToContents);
    m_available->header()->setSectionResizeMode(kSizeColumn, QHeaderView::ResizeToContents);
    m_available->header()->setStretchLastSection(true);
    availableLayout->addWidget(m_available);
    auto* availableButtons = new QHBoxLayout;
    m_sizes = new QPushButton(tr("Check sizes"), availableBox);
    m_download = new QPushButton(tr("Download"), availableBox);
    m_pause = new QPushButton(tr("Pause"), availableBox);
    m_resume = new QPushButton(tr("Resume"), availableBox);
    m_cancel = new QPushButton(tr("Cancel download…"), availableBox);
    availableButtons->addWidget(m_sizes);
    availableButtons->addStretch(1);
    for (auto* button : {m_download, m_pause, m_resume, m_cancel})
        availableButtons->addWidget(button);
    availableLayout->addLayout(availableButtons);
    layout->addWidget(availableBox, 2);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    for (const auto& set : m_downloads->catalogue()) {
        const QString name = QString::fromStdString(set.name);
        Row row;
        row.item = new QTreeWidgetItem(m_available);
        row.item->setText(kTitleColumn, QString::fromStdString(set.title));
        row.item->setData(kTitleColumn, Qt::UserRole, name);
        row.item->setToolTip(kTitleColumn, name);
        row.item->setText(kTaskColumn, QString::fromStdString(set.task));
        auto* cell = new QWidget(m_available);
        auto* cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(2, 2, 2, 2);
        cellLayout->setSpacing(1);
        row.bar = new QProgressBar(cell);
        row.bar->setRange(0, 1000);
        row.bar->setTextVisible(false);
        row.bar->setMaximumHeight(10);
        row.label = new QLabel(cell);
        cellLayout->addWidget(row.bar);
        cellLayout->addWidget(row.label);
        m_available->setItemWidget(row.item, kProgressColumn, cell);
        m_rows.insert(name, row);
        refreshRow(name);
    }

    const QString endpoint = m_downloads->endpoint();
    int index = 0;
    for (int i = 0; i < 3; ++i) {
        if (endpoint == QLatin1String(kEndpointValues[i]))
            index = i;
    }
    if (!endpoint.isEmpty() && index == 0 && endpoint != QLatin1String(kEndpointValues[0])) {
        index = 3;
        m_customUrl->setText(endpoint);
    }
    m_endpoint->setCurrentIndex(index);
    m_customUrl->setVisible(index == 3);
    m_root->setText(QDir::toNativeSeparators(m_downloads->modelsRoot()));
    refreshInstalled();

    connect(changeRoot, &QPushButton::clicked, this, &ModelManagerDialog::chooseRoot);
    connect(m_endpoint, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_customUrl->setVisible(i == 3);
        applyEndpoint();
    });
    connect(m_customUrl, &QLineEdit::editingFinished, this, &ModelManagerDialog::applyEndpoint);
    connect(m_installed, &QTreeWidget::itemSelectionChanged, this, &ModelManagerDialog::updateButtons);
    connect(m_available, &QTreeWidget::itemSelectionChanged, this, &ModelManagerDialog::updateButtons);
    connect(m_use, &QPushButton::clicked, this, [this] {
        const QString folder = selectedFolder();
        if (!folder.isEmpty())
            Q_EMIT useModelFolder(folder);
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QString folder = selectedFolder();
        if (!folder.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
    });
    connect(m_delete, &QPushButton::clicked, this, &ModelManagerDialog::confirmDelete);
    connect(m_sizes, &QPushButton::clicked, this, [this] {
        for (auto it = m_rows.constBegin(); it != m_rows.constEnd(); ++it) {
            if (!m_downloads->knownSize(it.key())) {
                it.value().item->setText(kSizeColumn, tr("checking…"));
                m_downloads->resolveSize(it.key());
            }
        }
    });
    connect(m_download, &QPushButton::clicked, this, [this] {
        if (!selectedSet().isEmpty())
            m_downloads->start(selectedSet());
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (!selectedSet().isEmpty())
            m_downloads->start(selectedSet());
    });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (!selectedSet().isEmpty())
            m_downloads->pause(selectedSet());
    });
    connect(m_cancel, &QPushButton::clicked, this, &ModelManagerDialog::confirmCancel);

    connect(m_downloads, &ModelDownloads::progressChanged, this, &ModelManagerDialog::refreshRow);
    connect(m_downloads, &ModelDownloads::stateChanged, this, [this](const QString& name) {
        refreshRow(name);
        updateButtons();
    });
    connect(m_downloads, &ModelDownloads::failed, this, &ModelManagerDialog::refreshRow);
    connect(m_downloads, &ModelDownloads::installedChanged, this, &ModelManagerDialog::refreshInstalled);
    connect(m_downloads, &ModelDownloads::sizeResolved, this,
            [this](const QString& name, quint64, const QString& error) {
                if (error.isEmpty())
                    m_sizeErrors.remove(name);
                else
                    m_sizeErrors.insert(name, error);
                refreshRow(name);
            });

    updateButtons();
    resize(900, 640);
}

ModelManagerDialog::~ModelManagerDialog() = default;

QGroupBox* ModelManagerDialog::makeOptionsBox()
{
    auto* box = new QGroupBox(tr("Download options"), this);
    auto* form = new QFormLayout(box);
    auto* tokenRow = new QHBoxLayout;
    m_token = new QLineEdit(box);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("Only for gated or private repositories"));
    m_token->setClearButtonEnabled(true);
    tokenRow->addWidget(m_token, 1);
    m_tokenWhere = new QLabel(box);
    tokenRow->addWidget(m_tokenWhere);
    form->addRow(tr("Access token:"), tokenRow);

    m_parallel = new QSpinBox(box);
    m_parallel->setRange(1, ModelDownloads::kMaxParallelFiles);
    m_parallel->setValue(m_downloads->parallelFiles());
    m_parallel->setToolTip(tr("How many files of a model download at the same time"));
    form->addRow(tr("Files at once:"), m_parallel);

    m_speedLimit = new QSpinBox(box);
    m_speedLimit->setRange(0, 10000);
    m_speedLimit->setSuffix(tr(" MB/s"));
    m_speedLimit->setSpecialValueText(tr("No limit"));
    m_speedLimit->setValue(int(m_downloads->maxBytesPerSecond() / 1'000'000));
    m_speedLimit->setToolTip(tr("One limit shared by all files downloading at the same time"));
    form->addRow(tr("Speed limit:"), m_speedLimit);
    auto* note = new QLabel(tr("Changes apply to downloads started or resumed from now on."), box);
    note->setEnabled(false);
    form->addRow(note);

    SecretStore* token = m_downloads->accessTokenStore();
    const auto showToken = [this, token] {
        if (!token->isLoaded()) {
            m_token->setEnabled(false);
            m_tokenWhere->setText(tr("Reading…"));
            return;
        }
        m_token->setEnabled(true);
        if (m_token->text() != token->value())
            m_token->setText(token->value());
        m_tokenWhere->setText(token->value().isEmpty() ? QString()
                              : token->inKeychain()    ? tr("Kept in the system keychain")
                                                       : tr("No keychain: kept in the settings file"));
    };
    showToken();
    connect(token, &SecretStore::loaded, this, showToken);
    connect(token, &SecretStore::saved, this, showToken);
    connect(m_token, &QLineEdit::editingFinished, this, [this, token] {
        if (m_token->text().trimmed() != token->value()) {
            m_downloads->setAccessToken(m_token->text());
            m_tokenWhere->setText(tr("Saving…"));
        }
    });
    connect(m_parallel, &QSpinBox::valueChanged, this,
            [this](int files) { m_downloads->setParallelFiles(files); });
    connect(m_speedLimit, &QSpinBox::valueChanged, this,
            [this](int megabytes) { m_downloads->setMaxBytesPerSecond(quint64(megabytes) * 1'000'000); });
    return box;
}

void ModelManagerDialog::refreshInstalled()
{
    const QString selected = selectedFolder();
    m_installed->clear();
    for (const auto& set : m_downloads->installedSets()) {
        auto* item = new QTreeWidgetItem(m_installed);
        item->setText(0, set.title);
        item->setText(1, formatBytes(set.sizeBytes));
        item->setText(2, QDir::toNativeSeparators(set.folder));
        item->setData(0, Qt::UserRole, set.folder);
        item->setData(1, Qt::UserRole, set.managed);
        item->setToolTip(2, set.managed ? tr("Downloaded by Wan Studio")
                                        : tr("Found in the models folder (not downloaded by Wan Studio)"));
        if (set.folder == selected)
            item->setSelected(true);
    }
    updateButtons();
}

QString ModelManagerDialog::statusText(const QString& setName) const
{
    const auto row = m_rows.value(setName);
    return row.label ? row.label->text() : QString();
}

void ModelManagerDialog::refreshRow(const QString& name)
{
    const auto it = m_rows.constFind(name);
    if (it == m_rows.constEnd())
        return;
    const Row& row = *it;
    const ModelSetState state = m_downloads->state(name);
    const auto progress = m_downloads->progress(name);
    if (const auto size = m_downloads->knownSize(name))
        row.item->setText(kSizeColumn, formatBytes(*size));
    else if (m_sizeErrors.contains(name))
        row.item->setText(kSizeColumn, tr("unknown"));
    const auto fraction = [](const ModelDownloadProgress& p) {
        return p.totalBytes == 0 ? 0 : int(1000.0 * double(p.doneBytes) / double(p.totalBytes));
    };
    QString text;
    QString tip;
    switch (state) {
    case ModelSetState::Downloading:
        row.bar->setVisible(true);
        if (progress) {
            row.bar->setValue(fraction(*progress));
            text = tr("%1 of %2, %3/s, %4 left")
                       .arg(formatBytes(progress->doneBytes), formatBytes(progress->totalBytes),
                            formatBytes(quint64(progress->bytesPerSecond)),
                            formatDuration(progress->etaSeconds));
            if (!progress->file.isEmpty())
                text += QLatin1Char('\n') +
                        tr("File %1 of %2: %3, %4 of %5, %6 left")
                            .arg(progress->filesDone + 1)
                            .arg(progress->filesTotal)
                            .arg(QFileInfo(progress->file).fileName(), formatBytes(progress->fileBytes),
                                 formatBytes(progress->fileTotal), formatDuration(progress->fileEtaSeconds));
        } else {
            row.bar->setValue(0);
            text = tr("Starting…");
        }
        break;
    case ModelSetState::Paused:
        row.bar->setVisible(true);
        row.bar->setValue(progress ? fraction(*progress) : 0);
        text = progress ? tr("Paused at %1 of %2")
                              .arg(formatBytes(progress->doneBytes), formatBytes(progress->totalBytes))
                        : tr("Paused");
        break;
    case ModelSetState::Failed:
        row.bar->setVisible(progress.has_value());
        row.bar->setValue(progress ? fraction(*progress) : 0);
        tip = m_downloads->lastError(name);
        text = tip.section(QLatin1Char('\n'), 0, 0);
        break;
    case ModelSetState::Installed:
        row.bar->setVisible(false);
        text = tr("Installed");
        break;
    case ModelSetState::Available:
        row.bar->setVisible(false);
        if (m_sizeErrors.contains(name)) {
            tip = m_sizeErrors.value(name);
            text = tip.section(QLatin1Char('\n'), 0, 0);
        }
        break;
    }
    row.label->setText(text);
    row.label->setToolTip(tip);
    row.item->setToolTip(kProgressColumn, tip);
    // The row grows with the second line of a running download.
    row.item->setSizeHint(kProgressColumn, row.label->parentWidget()->sizeHint());
}

QString ModelManagerDialog::selectedSet() const
{
    const auto items = m_available->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(kTitleColumn, Qt::UserRole).toString();
}

QString ModelManagerDialog::selectedFolder() const
{
    const auto items = m_installed->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(0, Qt::UserRole).toString();
}

void ModelManagerDialog::selectAvailable(const QString& setName)
{
    if (const auto it = m_rows.constFind(setName); it != m_rows.constEnd()) {
        m_available->setCurrentItem(it->item);
        m_available->scrollToItem(it->item);
    }
}

void ModelManagerDialog::updateButtons()
{
    const auto installed = m_installed->selectedItems();
    m_use->setEnabled(!installed.isEmpty());
    m_open->setEnabled(!installed.isEmpty());
    m_delete->setEnabled(!installed.isEmpty() && installed.first()->data(1, Qt::UserRole).toBool());
    m_delete->setToolTip(m_delete->isEnabled() || installed.isEmpty()
                             ? QString()
                             : tr("Only models downloaded by Wan Studio can be deleted here."));
    const QString name = selectedSet();
    const ModelSetState state = name.isEmpty() ? ModelSetState::Available : m_downloads->state(name);
    m_download->setEnabled(!name.isEmpty() && state == ModelSetState::Available);
    m_pause->setEnabled(state == ModelSetState::Downloading);
    m_resume->setEnabled(state == ModelSetState::Paused || state == ModelSetState::Failed);
    m_cancel->setEnabled(state == ModelSetState::Downloading || state == ModelSetState::Paused ||
                         state == ModelSetState::Failed);
}

void ModelManagerDialog::chooseRoot()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for downloaded models"),
                                                          m_downloads->modelsRoot());
    if (dir.isEmpty())
        return;
    m_downloads->setModelsRoot(dir);
    m_root->setText(QDir::toNativeSeparators(m_downloads->modelsRoot()));
    for (auto it = m_rows.constBegin(); it != m_rows.constEnd(); ++it)
        refreshRow(it.key());
    updateButtons();
}

void ModelManagerDialog::applyEndpoint()
{
    const int index = m_endpoint->currentIndex();
    const QString text = index < 3 ? QLatin1String(kEndpointValues[index]) : m_customUrl->text().trimmed();
    if (index == 3 && text.isEmpty())
        return;
    const QString problem = m_downloads->setEndpoint(text);
    m_endpointProblem->setText(problem);
    m_endpointProblem->setVisible(!problem.isEmpty());
}

void ModelManagerDialog::confirmCancel()
{
    const QString name = selectedSet();
    if (name.isEmpty())
        return;
    if (m_ask && QMessageBox::question(
                     this, tr("Cancel download"),
                     tr("Cancel the download of %1 and delete what was downloaded so far?").arg(name),
                     QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return;
    m_downloads->cancel(name);
}

void ModelManagerDialog::confirmDelete()
{
    const QString folder = selectedFolder();
    if (folder.isEmpty())
        return;
    if (m_ask &&
        QMessageBox::question(this, tr("Delete model"),
                              tr("Delete %1 and every file in it? This cannot be undone.")
                                  .arg(QDir::toNativeSeparators(folder)),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return;
    const QString problem = m_downloads->remove(folder);
    if (!problem.isEmpty())
        QMessageBox::warning(this, tr("Delete model"), problem);
}

} // namespace wan::ui
