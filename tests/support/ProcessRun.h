#pragma once
// Runs a program to completion (the command-line tools under test) and keeps its exit code and output.

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace wan::test {

struct ProcessRun
{
    int exitCode = -1; // -1 when it crashed or timed out
    QString out;
    QString err; // "timed out" when it was killed after timeoutMs
};

// `environment` empty: the program inherits ours.
ProcessRun runProcess(const QString& program, const QStringList& args, int timeoutMs,
                      const QProcessEnvironment& environment = {});

} // namespace wan::test
