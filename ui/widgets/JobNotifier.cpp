#include "JobNotifier.h"

#include "RenderQueueModel.h"

#include <QApplication>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QWidget>

#include <spdlog/spdlog.h>

namespace wan::ui {

namespace {
constexpr int kMessageMs = 10000;
constexpr int kPromptChars = 100;
} // namespace

JobNotifier::JobNotifier(QWidget* window, RenderQueueModel* queue, QObject* parent)
    : QObject(parent), m_window(window), m_queue(queue)
{
}

void JobNotifier::jobEnded(const QUuid& id, const JobOutcome& outcome)
{
    m_lastNotice = Notice::Nothing;
    if (outcome.status == wan::JobStatus::Cancelled || !m_window || m_window->isActiveWindow())
        return;
    const RenderJob* job = m_queue ? m_queue->job(id) : nullptr;
    const QString prompt =
        job ? QString::fromStdString(job->request.prompt).simplified().left(kPromptChars) : QString();
    if (outcome.status == wan::JobStatus::Done) {
        m_lastTitle = tr("Job finished");
        m_lastMessage = prompt;
    } else {
        m_lastTitle = tr("Job failed");
        m_lastMessage = outcome.error.section(QLatin1Char('\n'), 0, 0);
        if (!prompt.isEmpty())
            m_lastMessage = m_lastMessage.isEmpty() ? prompt : prompt + QLatin1Char('\n') + m_lastMessage;
    }
    if (m_trayAllowed && QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages()) {
        if (!m_tray) {
            QIcon icon = m_window->windowIcon();
            if (icon.isNull())
                icon = QApplication::windowIcon();
            if (icon.isNull())
                icon = m_window->style()->standardIcon(QStyle::SP_MediaPlay);
            m_tray = new QSystemTrayIcon(icon, this);
            m_tray->setToolTip(QApplication::applicationDisplayName());
            // A click on the notification or the icon brings the window back.
            connect(m_tray, &QSystemTrayIcon::messageClicked, m_window, [window = m_window] {
                window->showNormal();
                window->raise();
                window->activateWindow();
            });
            connect(m_tray, &QSystemTrayIcon::activated, m_window, [window = m_window] {
                window->showNormal();
                window->raise();
                window->activateWindow();
            });
        }
        m_tray->show();
        m_tray->showMessage(m_lastTitle, m_lastMessage,
                            outcome.status == wan::JobStatus::Done ? QSystemTrayIcon::Information
                                                                   : QSystemTrayIcon::Warning,
                            kMessageMs);
        m_lastNotice = Notice::Tray;
    } else {
        QApplication::alert(m_window);
        m_lastNotice = Notice::Alert;
    }
    spdlog::debug("job {} ended while the window was inactive: notified ({})", id.toString().toStdString(),
                  m_lastNotice == Notice::Tray ? "tray" : "alert");
}

} // namespace wan::ui
