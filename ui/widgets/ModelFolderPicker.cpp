#include "ModelFolderPicker.h"

#include "BackgroundTask.h"
#include "ModelFilesDialog.h"
#include "Theme.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace wan::ui {

namespace {
constexpr int kDebounceMs = 300;
const char* const kOfficialModels[] = {"Wan2.1-T2V-1.3B", "Wan2.1-T2V-14B", "Wan2.1-I2V-14B-480P",
                                       "Wan2.1-I2V-14B-720P"};
} // namespace

QString officialWeightsHtml()
{
    QStringList rows;
    for (const char* model : kOfficialModels) {
        const QString name = QString::fromLatin1(model);
        rows.append(QStringLiteral("%1: <a href=\"https://huggingface.co/Wan-AI/%1\">Hugging Face</a> · "
                                   "<a href=\"https://modelscope.cn/models/Wan-AI/%1\">ModelScope</a>")
                        .arg(name));
    }
    return ModelFolderPicker::tr("Get the official weights (the whole folder):") + QStringLiteral("<br>") +
           rows.join(QStringLiteral("<br>"));
}

ModelFolderPicker::ModelFolderPicker(FolderInspector inspector, QWidget* parent)
    : QWidget(parent), m_inspector(std::move(inspector))
{
    m_edit = new QLineEdit(this);
    m_browse = new QPushButton(this);
    m_demo = new QPushButton(this);
    m_demo->setObjectName(QStringLiteral("builtInDemo"));
    m_demo->hide();
    m_filesButton = new QPushButton(this);
    m_filesButton->setObjectName(QStringLiteral("modelFilesButton"));
    m_filesButton->hide();
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_status->setOpenExternalLinks(true);
    m_status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);

    auto* row = new QHBoxLayout;
    row->addWidget(m_edit, 1);
    row->addWidget(m_browse);
    row->addWidget(m_filesButton);
    row->addWidget(m_demo);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_status);

    connect(m_edit, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &ModelFolderPicker::startCheck);
    connect(m_browse, &QPushButton::clicked, this, &ModelFolderPicker::browse);
    connect(m_demo, &QPushButton::clicked, this,
            [this] { setModelSet(QDir::toNativeSeparators(m_demoFolder), wan::ModelFiles{}); });
    connect(m_filesButton, &QPushButton::clicked, this, [this] { openModelFilesDialog(); });
    retranslate();
}

QString ModelFolderPicker::folder() const
{
    return m_edit->text().trimmed();
}

void ModelFolderPicker::setFolder(const QString& dir)
{
    m_edit->setText(dir);
    m_debounce->stop();
    startCheck();
}

void ModelFolderPicker::setDemoFolder(const QString& dir)
{
    m_demoFolder = dir;
    m_demo->setVisible(!dir.isEmpty());
}

void ModelFolderPicker::setModelSetInspector(ModelSetInspector inspector, ModelFileIdentifier identifier)
{
    m_setInspector = std::move(inspector);
    m_fileIdentifier = std::move(identifier);
    m_filesButton->setVisible(bool(m_setInspector));
}

void ModelFolderPicker::setModelFiles(const wan::ModelFiles& files)
{
    setModelSet(folder(), files);
}

void ModelFolderPicker::setModelSet(const QString& dir, const wan::ModelFiles& files)
{
    const bool filesChanged = !(files == m_files);
    m_files = m_setInspector ? files : wan::ModelFiles{};
    {
        const QSignalBlocker blocker(m_edit); // one check for both
        m_edit->setText(dir);
    }
    m_debounce->stop();
    startCheck();
    if (filesChanged)
        Q_EMIT modelFilesChanged(m_files);
}

ModelFilesDialog* ModelFolderPicker::openModelFilesDialog(const QStringList& added)
{
    if (!m_setInspector)
        return nullptr;
    auto* dialog = new ModelFilesDialog(m_setInspector, m_fileIdentifier, folder(), m_files, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setModelFiles(dialog->files()); });
    dialog->addFiles(added);
    dialog->open();
    return dialog;
}

void ModelFolderPicker::startCheck()
{
    const quint64 generation = ++m_generation;
    const QString dir = folder();
    if (!m_files.empty() && m_setInspector) {
        m_checking = true;
        updateStatus();
        runInBackground(
            this, [inspector = m_setInspector, dir, files = m_files] { return inspector(dir, files); },
            [this, generation](const FolderCheck& check) { showCheck(generation, check); });
        return;
    }
    if (dir.isEmpty() || !m_inspector) {
        m_checking = false;
        m_check = FolderCheck{};
        updateStatus();
        Q_EMIT folderChecked(m_check);
        return;
    }
    m_checking = true;
    updateStatus();
    // Inspection reads checkpoint headers (can take a moment on a slow disk): keep it off the UI thread.
    runInBackground(
        this, [inspector = m_inspector, dir] { return inspector(dir); },
        [this, generation](const FolderCheck& check) { showCheck(generation, check); });
}

void ModelFolderPicker::showCheck(quint64 generation, const FolderCheck& check)
{
    if (generation != m_generation)
        return; // an older folder's answer
    m_checking = false;
    m_check = check;
    updateStatus();
    Q_EMIT folderChecked(m_check);
}

QString ModelFolderPicker::statusText() const
{
    return m_status->text();
}

// The chosen single files, as "DiT: name, VAE: name" (escaped), for the status line.
QString ModelFolderPicker::filesHtml() const
{
    QStringList items;
    const auto add = [&](const QString& part, const std::filesystem::path& path) {
        if (!path.empty())
            items.append(QStringLiteral("%1: %2").arg(
                part, QString::fromStdString(path.filename().string()).toHtmlEscaped()));
    };
    add(tr("DiT"), m_files.dit);
    add(tr("text encoder"), m_files.t5);
    add(tr("VAE"), m_files.vae);
    add(tr("CLIP"), m_files.clip);
    add(tr("tokenizer"), m_files.tokenizer);
    return tr("Model files: %1").arg(items.join(QStringLiteral(", ")));
}

void ModelFolderPicker::updateStatus()
{
    const QString files = m_files.empty() ? QString() : filesHtml() + QStringLiteral("<br>");
    if (m_checking) {
        m_status->setText(
            files + (m_files.empty() ? tr("Checking the model folder…") : tr("Checking the model files…")));
        return;
    }
    if (!m_files.empty()) {
        if (m_check.ok) {
            const QString firstLine = m_check.summary.section(QLatin1Char('\n'), 0, 0).toHtmlEscaped();
            m_status->setText(
                files + semanticHtml(SemanticColor::Ok, QStringLiteral("&#10003;")) + QLatin1Char(' ') +
                modelText() +
                (firstLine.isEmpty() ? QString() : QStringLiteral("<br><small>%1</small>").arg(firstLine)));
            m_status->setToolTip(m_check.summary);
            return;
        }
        QStringList problems;
        for (const QString& problem :
             m_check.problems.isEmpty() ? QStringList{m_check.problem} : m_check.problems)
            problems.append(semanticHtml(SemanticColor::Error, QStringLiteral("&#10007;")) +
                            QLatin1Char(' ') + problem.toHtmlEscaped());
        m_status->setText(files + problems.join(QStringLiteral("<br>")));
        m_status->setToolTip(QString());
        return;
    }
    if (folder().isEmpty()) {
        m_status->setText(tr("Choose the folder of a Wan2.1 model.") + QStringLiteral("<br>") +
                          officialWeightsHtml());
        return;
    }
    if (m_check.ok && m_check.demo) {
        const auto& demo = *m_check.demo;
        QString text =
            tr("Built-in demo model: %1×%2, %3 frames, a few seconds per clip on the CPU. It knows "
               "only simple shapes, colours and motions.")
                .arg(demo.width)
                .arg(demo.height)
                .arg(demo.frameNum);
        if (!demo.examplePrompts.empty())
            text += QLatin1Char(' ') +
                    tr("For example: “%1”").arg(QString::fromStdString(demo.examplePrompts.front()));
        m_status->setText(semanticHtml(SemanticColor::Ok, QStringLiteral("&#10003;")) + QLatin1Char(' ') +
                          text.toHtmlEscaped() + QStringLiteral("<br>") + officialWeightsHtml());
        m_status->setToolTip(m_check.summary);
        return;
    }
    if (m_check.ok) {
        const QString firstLine = m_check.summary.section(QLatin1Char('\n'), 0, 0).toHtmlEscaped();
        m_status->setText(
            semanticHtml(SemanticColor::Ok, QStringLiteral("&#10003;")) + QLatin1Char(' ') + modelText() +
            (firstLine.isEmpty() ? QString() : QStringLiteral("<br><small>%1</small>").arg(firstLine)));
        m_status->setToolTip(m_check.summary);
        return;
    }
    QString text = semanticHtml(SemanticColor::Error, QStringLiteral("&#10007;")) + QLatin1Char(' ') +
                   m_check.problem.toHtmlEscaped();
    if (!m_check.missing.isEmpty()) {
        QStringList items;
        for (const QString& file : m_check.missing)
            items.append(file.toHtmlEscaped());
        text += QStringLiteral("<br>") + tr("Missing or unusable: %1").arg(items.join(QStringLiteral(", ")));
    }
    text += QStringLiteral("<br>") + officialWeightsHtml();
    m_status->setText(text);
    m_status->setToolTip(QString());
}

QString ModelFolderPicker::modelTypeText(wan::ModelType type)
{
    switch (type) {
    case wan::ModelType::T2V:
        return tr("text to video");
    case wan::ModelType::I2V:
        return tr("image to video");
    case wan::ModelType::FLF2V:
        return tr("first & last frame to video");
    case wan::ModelType::VACE:
        return tr("video editing (VACE)");
    }
    return {};
}

QString ModelFolderPicker::modelText() const
{
    return tr("Wan2.1 %1 model, %2")
        .arg(modelTypeText(m_check.modelType),
             m_check.large ? QStringLiteral("14B") : QStringLiteral("1.3B"));
}

void ModelFolderPicker::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose the model folder"), folder());
    if (!dir.isEmpty())
        setFolder(QDir::toNativeSeparators(dir));
}

void ModelFolderPicker::retranslate()
{
    m_browse->setText(tr("Browse…"));
    m_demo->setText(tr("Built-in demo"));
    m_filesButton->setText(tr("Model files…"));
    m_filesButton->setToolTip(tr("Use single files (ComfyUI, GGUF, …) for the DiT, text encoder, VAE or "
                                 "CLIP in place of the folder's own"));
    m_demo->setToolTip(
        tr("A tiny model that comes with Wan Studio: small clips of simple shapes in seconds on "
           "any CPU"));
    m_edit->setPlaceholderText(tr("Folder with diffusion_pytorch_model*.safetensors, Wan2.1_VAE.pth, …"));
    updateStatus();
}

void ModelFolderPicker::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange)
        updateStatus(); // the ✓/✗ shades for the new theme
    QWidget::changeEvent(event);
}

} // namespace wan::ui
