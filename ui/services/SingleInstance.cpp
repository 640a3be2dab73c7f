#include "SingleInstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>

#include <spdlog/spdlog.h>

namespace wan::ui {

namespace {

constexpr char kActivate[] = "activate\n";

QString lockPath(const QString& dataDir)
{
    QDir().mkpath(dataDir);
    return QDir(dataDir).filePath(QStringLiteral("wan-studio.lock"));
}

} // namespace

SingleInstance::SingleInstance(const QString& dataDir, QObject* parent)
    : QObject(parent), m_lock(lockPath(dataDir))
{
    m_lock.setStaleLockTime(0); // only a dead owner's lock is stale, however old
    const QByteArray folder = QDir::cleanPath(QFileInfo(dataDir).absoluteFilePath()).toUtf8();
    m_serverName =
        QStringLiteral("wan-studio-") +
        QString::fromLatin1(QCryptographicHash::hash(folder, QCryptographicHash::Sha1).toHex().left(16));
}

SingleInstance::~SingleInstance()
{
    if (m_server)
        m_server->close();
}

bool SingleInstance::acquire(int waitMs)
{
    if (!m_lock.tryLock(waitMs))
        return false;
    // The lock is ours, so a socket of that name is a crashed owner's leftover.
    QLocalServer::removeServer(m_serverName);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_serverName)) {
        spdlog::warn("a second start cannot raise this window: local socket {}: {}",
                     m_serverName.toStdString(), m_server->errorString().toStdString());
        return true;
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket* socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            const auto read = [this, socket] {
                if (!socket->canReadLine())
                    return;
                if (socket->readLine(64) == kActivate)
                    Q_EMIT activationRequested();
                socket->disconnectFromServer();
            };
            connect(socket, &QLocalSocket::readyRead, this, read);
            read(); // the request may have arrived already
        }
    });
    return true;
}

bool SingleInstance::activateOwner(int timeoutMs) const
{
    QLocalSocket socket;
    socket.connectToServer(m_serverName);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    socket.write(kActivate);
    const bool sent = socket.waitForBytesWritten(timeoutMs);
    // The owner closes the connection once it has read the request.
    if (sent && socket.state() == QLocalSocket::ConnectedState)
        socket.waitForDisconnected(timeoutMs);
    return sent;
}

} // namespace wan::ui
