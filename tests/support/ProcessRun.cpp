#include "support/ProcessRun.h"

#include <QProcess>

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

} // namespace wan::test
