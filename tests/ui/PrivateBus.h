#pragma once
// A private session bus for a test (never the user's): dbus-daemon with the session configuration, stopped
// with the object. address() is empty when dbus-daemon is missing or did not start.

#include <QProcess>
#include <QStandardPaths>
#include <QString>

namespace wan::ui::test {

class PrivateBus
{
public:
    PrivateBus()
    {
        const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (daemon.isEmpty())
            return;
        m_process.start(daemon, {QStringLiteral("--session"), QStringLiteral("--nofork"),
                                 QStringLiteral("--print-address")});
        if (!m_process.waitForStarted(5000))
            return;
        for (int tries = 0; tries < 50 && !m_process.canReadLine(); ++tries)
            m_process.waitForReadyRead(100);
        m_address = QString::fromUtf8(m_process.readLine()).trimmed();
    }
    ~PrivateBus()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(3000))
                m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    QString address() const { return m_address; }

private:
    QProcess m_process;
    QString m_address;
};

} // namespace wan::ui::test
