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

// Like runProcess(), interrupted like a user pressing Ctrl+C: once its stderr shows `firstText`, SIGINT;
// then, when `secondText` is not empty and appears on stderr before the program ends, SIGINT again.
// exitCode is -1 when a signal ended it.
ProcessRun runProcessInterrupted(const QString& program, const QStringList& args, const QByteArray& firstText,
                                 const QByteArray& secondText, int timeoutMs);

} // namespace wan::test
