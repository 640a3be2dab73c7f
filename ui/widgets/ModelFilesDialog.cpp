#include "ModelFilesDialog.h"

#include "BackgroundTask.h"
#include "ModelFolderPicker.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeData>
#include <QPalette>
#include <QPushButton>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace wan::ui {

namespace {

constexpr int kDebounceMs = 300;
constexpr ModelPart kParts[] = {ModelPart::Dit, ModelPart::TextEncoder, ModelPart::Vae, ModelPart::Clip,
                                ModelPart::Tokenizer};
const char* const kModelSuffixes[] = {"safetensors", "gguf", "pth", "pt", "model"};

std::filesystem::path& slot(wan::ModelFiles& files, ModelPart part)
{
    switch (part) {
    case ModelPart::TextEncoder:
        return files.t5;
    case ModelPart::Vae:
        return files.vae;
    case ModelPart::Clip:
        return files.clip;
    case ModelPart::Tokenizer:
        return files.tokenizer;
    case ModelPart::Dit:
        break;
    }
    return files.dit;
}

const ModelPartCheck& partOf(const FolderCheck& check, ModelPart part)
{
    switch (part) {
    case ModelPart::TextEncoder:
        return check.t5;
    case ModelPart::Vae:
        return check.vae;
    case ModelPart::Clip:
        return check.clip;
    case ModelPart::Tokenizer:
        return check.tokenizer;
    case ModelPart::Dit:
        break;
    }
    return check.dit;
}

// The row a file belongs in, by its content. A file that is none of the parts (or unreadable) goes to the
// DiT row, where the set's check names the problem.
ModelPart partOfFile(const ModelFileIdentifier& identify, const QString& path)
{
    if (!identify)
        return ModelPart::Dit;
    switch (identify(path).role) {
    case wan::ModelFileRole::T5:
        return ModelPart::TextEncoder;
    case wan::ModelFileRole::Vae:
        return ModelPart::Vae;
    case wan::ModelFileRole::Clip:
        return ModelPart::Clip;
    case wan::ModelFileRole::Tokenizer:
        return ModelPart::Tokenizer;
    case wan::ModelFileRole::Dit:
    case wan::ModelFileRole::Lora:
    case wan::ModelFileRole::Unknown:
        break;
    }
    return ModelPart::Dit;
}

QString sizeText(quint64 bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 2, QLocale::DataSizeSIFormat);
}

} // namespace

QString modelFilesToJson(const wan::ModelFiles& files)
{
    QJsonObject object;
    const auto put = [&](const char* key, const std::filesystem::path& path) {
        if (!path.empty())
            object.insert(QLatin1String(key), QString::fromStdString(path.string()));
    };
    put("dit", files.dit);
    put("t5", files.t5);
    put("vae", files.vae);
    put("clip", files.clip);
    put("tokenizer", files.tokenizer);
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

wan::ModelFiles modelFilesFromJson(const QString& json)
{
    const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
    const auto get = [&](const char* key) {
        return std::filesystem::path(object.value(QLatin1String(key)).toString().toStdString());
    };
    wan::ModelFiles files;
    files.dit = get("dit");
    files.t5 = get("t5");
    files.vae = get("vae");
    files.clip = get("clip");
    files.tokenizer = get("tokenizer");
    return files;
}

QStringList ModelFilesDialog::modelFilesIn(const QMimeData* mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        const QString suffix = QFileInfo(path).suffix();
        for (const char* known : kModelSuffixes)
            if (suffix.compare(QLatin1String(known), Qt::CaseInsensitive) == 0) {
                paths.append(path);
                break;
            }
    }
    return paths;
}

ModelFilesDialog::ModelFilesDialog(ModelSetInspector inspector, ModelFileIdentifier identifier,
                                   const QString& folder, const wan::ModelFiles& files, QWidget* parent)
    : QDialog(parent), m_inspector(std::move(inspector)), m_identifier(std::move(identifier)),
      m_folder(folder)
{
    setObjectName(QStringLiteral("modelFilesDialog"));
    setAcceptDrops(true);
    m_intro = new QLabel(this);
    m_intro->setWordWrap(true);
    m_folderLabel = new QLabel(this);
    m_folderLabel->setTextFormat(Qt::PlainText);
    m_folderLabel->setWordWrap(true);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("modelSetStatus"));
    m_status->setTextFormat(Qt::PlainText); // paths and engine messages are user data
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setMinimumHeight(3 * m_status->fontMetrics().lineSpacing());
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);

    auto* grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    int line = 0;
    for (ModelPart part : kParts) {
        Row r;
        r.part = part;
        r.label = new QLabel(this);
        r.edit = new QLineEdit(this);
        r.edit->setClearButtonEnabled(false);
        r.edit->setMinimumWidth(420);
        r.browse = new QPushButton(this);
        r.clear = new QPushButton(this);
        r.info = new QLabel(this);
        r.info->setTextFormat(Qt::PlainText);
        r.info->setWordWrap(true);
        QPalette quiet = r.info->palette();
        quiet.setColor(QPalette::WindowText, quiet.color(QPalette::PlaceholderText));
        r.info->setPalette(quiet);
        grid->addWidget(r.label, line, 0);
        grid->addWidget(r.edit, line, 1);
        grid->addWidget(r.browse, line, 2);
        grid->addWidget(r.clear, line, 3);
        grid->addWidget(r.info, line + 1, 1, 1, 3);
        line += 2;
        wan::ModelFiles copy = files;
        r.edit->setText(QString::fromStdString(slot(copy, part).string()));
        connect(r.edit, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
        connect(r.edit, &QLineEdit::textChanged, this, [this] {
            m_checking = true; // the shown result is stale until the check after the pause
            updateStatus();
        });
        connect(r.browse, &QPushButton::clicked, this, [this, part] { browse(part); });
        connect(r.clear, &QPushButton::clicked, this, [this, part] { setFile(part, QString()); });
        m_rows.push_back(r);
    }

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addWidget(m_folderLabel);
    layout->addLayout(grid);
    layout->addWidget(m_status, 1);
    layout->addWidget(m_buttons);

    connect(m_debounce, &QTimer::timeout, this, &ModelFilesDialog::startCheck);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    retranslate();
    startCheck();
}

ModelFilesDialog::~ModelFilesDialog() = default;

const ModelFilesDialog::Row& ModelFilesDialog::row(ModelPart part) const
{
    for (const Row& r : m_rows)
        if (r.part == part)
            return r;
    return m_rows.front();
}

wan::ModelFiles ModelFilesDialog::files() const
{
    wan::ModelFiles files;
    for (const Row& r : m_rows)
        slot(files, r.part) = r.edit->text().trimmed().toStdString();
    return files;
}

QString ModelFilesDialog::file(ModelPart part) const
{
    return row(part).edit->text().trimmed();
}

void ModelFilesDialog::setFile(ModelPart part, const QString& path)
{
    row(part).edit->setText(path);
    m_debounce->stop();
    startCheck();
}

bool ModelFilesDialog::allRowsEmpty() const
{
    for (const Row& r : m_rows)
        if (!r.edit->text().trimmed().isEmpty())
            return false;
    return true;
}

QPushButton* ModelFilesDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

QPushButton* ModelFilesDialog::clearButton(ModelPart part) const
{
    return row(part).clear;
}

QString ModelFilesDialog::statusText() const
{
    return m_status->text();
}

QString ModelFilesDialog::partText(ModelPart part) const
{
    return row(part).info->text();
}

void ModelFilesDialog::browse(ModelPart part)
{
    const QString current = file(part);
    const QString start = !current.isEmpty() ? QFileInfo(current).absolutePath() : m_folder;
    const QString filter = tr("Model files (*.safetensors *.gguf *.pth *.pt *.model)") +
                           QStringLiteral(";;") + tr("All files (*)");
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose the %1 file").arg(row(part).label->text()), start, filter);
    if (!path.isEmpty())
        setFile(part, QDir::toNativeSeparators(path));
}

void ModelFilesDialog::addFiles(const QStringList& paths)
{
    if (paths.isEmpty() || !m_inspector)
        return;
    ++m_sorting;
    updateStatus();
    runInBackground(
        this,
        [identifier = m_identifier, paths] {
            std::vector<std::pair<ModelPart, QString>> placed;
            for (const QString& path : paths)
                placed.emplace_back(partOfFile(identifier, path), path);
            return placed;
        },
        [this](const std::vector<std::pair<ModelPart, QString>>& placed) { placeFiles(placed); });
}

void ModelFilesDialog::placeFiles(const std::vector<std::pair<ModelPart, QString>>& placed)
{
    --m_sorting;
    for (const auto& [part, path] : placed) {
        const QSignalBlocker blocker(row(part).edit);
        row(part).edit->setText(QDir::toNativeSeparators(path));
    }
    m_debounce->stop();
    startCheck();
}

void ModelFilesDialog::startCheck()
{
    const quint64 generation = ++m_generation;
    if (!m_inspector) {
        m_checking = false;
        updateStatus();
        return;
    }
    m_checking = true;
    updateStatus();
    // Reading the headers can take a moment on a slow disk: keep it off the UI thread.
    runInBackground(
        this,
        [inspector = m_inspector, folder = m_folder, files = files()] { return inspector(folder, files); },
        [this, generation](const FolderCheck& check) { showCheck(generation, check); });
}

void ModelFilesDialog::showCheck(quint64 generation, const FolderCheck& check)
{
    if (generation != m_generation)
        return; // an older set's answer
    m_checking = false;
    m_check = check;
    updateStatus();
    Q_EMIT checkFinished();
}

void ModelFilesDialog::updateStatus()
{
    const bool busy = isChecking();
    okButton()->setEnabled(!busy && (allRowsEmpty() || (m_check.ok && m_check.problems.isEmpty())));
    if (busy) {
        m_status->setStyleSheet(QString());
        m_status->setText(tr("Checking the model files…"));
        return;
    }
    if (m_check.ok) {
        QString type = ModelFolderPicker::modelTypeText(m_check.modelType);
        type += QStringLiteral(" (%1)").arg(m_check.large ? QStringLiteral("14B") : QStringLiteral("1.3B"));
        setSemanticStyle(m_status, SemanticColor::Ok);
        m_status->setText(tr("Ready: %1, %2").arg(type, m_check.tasks.join(QStringLiteral(", "))));
    } else {
        setSemanticStyle(m_status, SemanticColor::Error);
        QStringList items;
        for (const QString& problem : m_check.problems)
            items.append(QStringLiteral("• ") + problem);
        m_status->setText(tr("This model set cannot run yet:") + QLatin1Char('\n') +
                          items.join(QLatin1Char('\n')));
    }
    const bool imageModel =
        m_check.modelType == wan::ModelType::I2V || m_check.modelType == wan::ModelType::FLF2V;
    for (const Row& r : m_rows) {
        const QString chosen = r.edit->text().trimmed();
        const ModelPartCheck& part = partOf(m_check, r.part);
        QString text;
        if (!m_check.ok) {
            if (!chosen.isEmpty())
                for (const QString& problem : m_check.problems)
                    if (problem.contains(chosen)) {
                        text = problem;
                        break;
                    }
        } else if (r.part == ModelPart::Clip && !imageModel) {
            text = chosen.isEmpty() ? tr("Not needed: only image-to-video models read an image encoder.")
                                    : tr("Not used: only image-to-video models read an image encoder.");
        } else if (r.part == ModelPart::Tokenizer) {
            if (!part.path.isEmpty())
                text = tr("Uses %1").arg(QDir::toNativeSeparators(part.path));
        } else if (!part.path.isEmpty()) {
            QStringList details{part.format, part.dtype, sizeText(part.sizeBytes)};
            details.removeAll(QString());
            const QString what = details.join(QStringLiteral(" · "));
            text = chosen.isEmpty()
                       ? tr("From the model folder: %1 · %2").arg(QFileInfo(part.path).fileName(), what)
                       : what;
        }
        r.info->setText(text);
        r.info->setToolTip(text);
    }
}

void ModelFilesDialog::retranslate()
{
    setWindowTitle(tr("Model files"));
    m_intro->setText(tr("Use single model files (ComfyUI, GGUF, …) in place of the model folder's own. An "
                        "empty row takes that part from the model folder. You can also drop files here."));
    m_folderLabel->setText(m_folder.isEmpty()
                               ? tr("No model folder: choose the DiT, text encoder and VAE files (and CLIP "
                                    "for image models).")
                               : tr("Model folder: %1").arg(QDir::toNativeSeparators(m_folder)));
    for (const Row& r : m_rows) {
        switch (r.part) {
        case ModelPart::Dit:
            r.label->setText(tr("DiT (diffusion model)"));
            break;
        case ModelPart::TextEncoder:
            r.label->setText(tr("Text encoder (umT5)"));
            break;
        case ModelPart::Vae:
            r.label->setText(tr("VAE"));
            break;
        case ModelPart::Clip:
            r.label->setText(tr("CLIP (image models)"));
            break;
        case ModelPart::Tokenizer:
            r.label->setText(tr("Tokenizer"));
            break;
        }
        if (r.part == ModelPart::Tokenizer)
            r.edit->setPlaceholderText(m_folder.isEmpty() ? tr("Found beside the text encoder file")
                                                          : tr("From the model folder"));
        else
            r.edit->setPlaceholderText(m_folder.isEmpty() ? tr("Not set") : tr("From the model folder"));
        r.browse->setText(tr("Browse…"));
        r.clear->setText(tr("Clear"));
    }
    updateStatus();
}

void ModelFilesDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void ModelFilesDialog::dragEnterEvent(QDragEnterEvent* event)
{
    if (!modelFilesIn(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ModelFilesDialog::dropEvent(QDropEvent* event)
{
    const QStringList paths = modelFilesIn(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    addFiles(paths);
}

} // namespace wan::ui
