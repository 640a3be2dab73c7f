#pragma once

#include "JobTypes.h"

#include <QObject>
#include <QPointer>

class QSystemTrayIcon;
class QWidget;

namespace wan::ui {

class RenderQueueModel;

// Tells the user that a job ended while the window was not active: a desktop notification through the
// system tray when there is one, else the taskbar's attention hint (QApplication::alert). Finished and
// failed jobs only; a cancelled job was the user's own doing. (Taskbar progress: Qt 6 offers no portable
// API for it, so there is none.)
class JobNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobNotifier)

public:
    enum class Notice
    {
        Nothing = 1, // the window was active, or the job was cancelled
        Tray,
        Alert
    };

    JobNotifier(QWidget* window, RenderQueueModel* queue, QObject* parent = nullptr);

    void jobEnded(const QUuid& id, const JobOutcome& outcome);
    Notice lastNotice() const { return m_lastNotice; }
    QString lastTitle() const { return m_lastTitle; }
    QString lastMessage() const { return m_lastMessage; }
    // Tests: pretend there is no system tray.
    void setTrayAllowed(bool allowed) { m_trayAllowed = allowed; }

private:
    QWidget* m_window = nullptr;
    RenderQueueModel* m_queue = nullptr;
    QPointer<QSystemTrayIcon> m_tray;
    bool m_trayAllowed = true;
    Notice m_lastNotice = Notice::Nothing;
    QString m_lastTitle;
    QString m_lastMessage;
};

} // namespace wan::ui
