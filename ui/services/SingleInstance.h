#pragma once
// One Wan Studio per data folder: two would both rewrite queue.json and run the same jobs. The first start
// takes a QLockFile in the folder (a crashed owner's lock is recognised by its dead process id) and listens
// on a local socket named after the folder; a later start finds the lock taken and asks the owner, through
// that socket, to bring its window to the front.

#include <QLockFile>
#include <QObject>
#include <QString>

class QLocalServer;

namespace wan::ui {

class SingleInstance final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleInstance)

public:
    explicit SingleInstance(const QString& dataDir, QObject* parent = nullptr);
    ~SingleInstance() override;

    // Takes the folder (waiting at most `waitMs` for another process to let go). True: this process owns it
    // and emits activationRequested() when a later start asks.
    bool acquire(int waitMs = 500);
    // From a start that did not get the folder: asks the owner to show its window. False when it did not
    // answer within `timeoutMs`.
    bool activateOwner(int timeoutMs = 2000) const;

    QString serverName() const { return m_serverName; }

Q_SIGNALS:
    void activationRequested();

private:
    QLockFile m_lock;
    QString m_serverName;
    QLocalServer* m_server = nullptr;
};

} // namespace wan::ui
