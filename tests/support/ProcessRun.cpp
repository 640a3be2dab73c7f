#include "support/ProcessRun.h"

#include <QElapsedTimer>
#include <QProcess>

#include <algorithm>
#include <csignal>

namespace wan::test {

ProcessRun runProcess(const QString& program, const QStringList& args, int timeoutMs,
                      const QProcessEnvironment& environment)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    if (!environment.isEmpty())
        process.setProcessEnvironment(environment);
    process.start();
    ProcessRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("timed out");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

ProcessRun runProcessInterrupted(const QString& program, const QStringList& args, const QByteArray& firstText,
                                 const QByteArray& secondText, int timeoutMs)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    process.start();
    ProcessRun run;
    QByteArray err;
    QElapsedTimer clock;
    clock.start();
    // Reads stderr until `text` shows up; false when the program ended or the time ran out first.
    auto waitFor = [&](const QByteArray& text) {
        while (!err.contains(text)) {
            if (process.state() == QProcess::NotRunning || clock.elapsed() > timeoutMs)
                return false;
            process.waitForReadyRead(100);
            err += process.readAllStandardError();
        }
        return true;
    };
    if (waitFor(firstText)) {
        ::kill(pid_t(process.processId()), SIGINT);
        if (!secondText.isEmpty() && waitFor(secondText))
            ::kill(pid_t(process.processId()), SIGINT);
    }
    if (!process.waitForFinished(int(std::max<qint64>(1000, timeoutMs - clock.elapsed())))) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("timed out");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(err + process.readAllStandardError());
    return run;
}

} // namespace wan::test
