#pragma once
// What the services that keep secrets in the system keychain share (QtKeychain builds only): the service
// name the entries live under, how long to wait for an answer, and a failure in words for the log.

#ifdef WAN_HAVE_QTKEYCHAIN

#include <QString>

#include <qt6keychain/keychain.h>

namespace wan::ui::keychain {

inline constexpr auto kService = "Wan Studio";
// Keychain jobs answer over D-Bus and may wait for an unlock prompt: never wait longer than this.
inline constexpr int kTimeoutMs = 2000;

// Why a finished keychain job failed (QtKeychain often says only "Unknown error").
inline QString errorText(const QKeychain::Job& job)
{
    const QString text = job.errorString();
    if (!text.isEmpty() && text != QLatin1String("Unknown error"))
        return text;
    return job.error() == QKeychain::NoBackendAvailable
               ? QStringLiteral("no keychain service is running")
               : QStringLiteral("no Secret Service or KWallet answered (keychain error %1)")
                     .arg(int(job.error()));
}

} // namespace wan::ui::keychain

#endif
