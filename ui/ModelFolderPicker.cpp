#include "ModelFolderPicker.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QThread>
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
    row->addWidget(m_demo);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_status);

    connect(m_edit, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &ModelFolderPicker::startCheck);
    connect(m_browse, &QPushButton::clicked, this, &ModelFolderPicker::browse);
    connect(m_demo, &QPushButton::clicked, this,
            [this] { setFolder(QDir::toNativeSeparators(m_demoFolder)); });
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

void ModelFolderPicker::startCheck()
{
    const quint64 generation = ++m_generation;
    const QString dir = folder();
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
    QThread* thread = QThread::create([this, inspector = m_inspector, dir, generation] {
        const FolderCheck check = inspector(dir);
        QMetaObject::invokeMethod(
            this, [this, generation, check] { showCheck(generation, check); }, Qt::QueuedConnection);
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    // The picker may be destroyed first: the thread only posts to it, and the post dies with the receiver.
    connect(this, &QObject::destroyed, thread, [thread] { thread->wait(); });
    thread->start();
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

void ModelFolderPicker::updateStatus()
{
    if (m_checking) {
        m_status->setText(tr("Checking the model folder…"));
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
        m_status->setText(QStringLiteral("<span style=\"color:#1e8449\">&#10003;</span> ") +
                          text.toHtmlEscaped() + QStringLiteral("<br>") + officialWeightsHtml());
        m_status->setToolTip(m_check.summary);
        return;
    }
    if (m_check.ok) {
        QString type;
        switch (m_check.modelType) {
        case wan::ModelType::T2V:
            type = tr("text to video");
            break;
        case wan::ModelType::I2V:
            type = tr("image to video");
            break;
        case wan::ModelType::FLF2V:
            type = tr("first & last frame to video");
            break;
        case wan::ModelType::VACE:
            type = tr("video editing (VACE)");
            break;
        }
        const QString firstLine = m_check.summary.section(QLatin1Char('\n'), 0, 0).toHtmlEscaped();
        m_status->setText(
            QStringLiteral("<span style=\"color:#1e8449\">&#10003;</span> ") +
            tr("Wan2.1 %1 model, %2")
                .arg(type, m_check.large ? QStringLiteral("14B") : QStringLiteral("1.3B")) +
            (firstLine.isEmpty() ? QString() : QStringLiteral("<br><small>%1</small>").arg(firstLine)));
        m_status->setToolTip(m_check.summary);
        return;
    }
    QString text =
        QStringLiteral("<span style=\"color:#c0392b\">&#10007;</span> ") + m_check.problem.toHtmlEscaped();
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
    QWidget::changeEvent(event);
}

} // namespace wan::ui
