// The output folder check before queueing: an existing writable folder or one that can be created passes
// (and nothing is created); a file in the way or no folder at all is named in the problem.
#include "OutputFolder.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

class TestOutputFolder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void check_data()
    {
        QTest::addColumn<QString>("relative"); // under a temporary folder holding the file "file.txt"
        QTest::addColumn<QString>("problem");  // part of the message, empty: none
        QTest::newRow("existing") << QString() << QString();
        QTest::newRow("creatable") << QStringLiteral("new/deeper") << QString();
        QTest::newRow("a file") << QStringLiteral("file.txt") << QStringLiteral("is a file, not a folder");
        QTest::newRow("under a file")
            << QStringLiteral("file.txt/out") << QStringLiteral("cannot be created");
    }
    void check()
    {
        QFETCH(QString, relative);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("file.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString folder = relative.isEmpty() ? dir.path() : dir.filePath(relative);
        const QString message = outputFolderProblem(folder);
        if (problem.isEmpty()) {
            QVERIFY2(message.isEmpty(), qPrintable(message));
        } else {
            QVERIFY2(message.contains(problem), qPrintable(message));
            QVERIFY2(message.contains(QDir::toNativeSeparators(folder)), qPrintable(message));
        }
        // A check, not a creation; and no probe file left behind.
        QCOMPARE(QFileInfo::exists(dir.filePath(QStringLiteral("new"))), false);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void noFolder()
    {
        QVERIFY(outputFolderProblem(QStringLiteral("  ")).contains(QStringLiteral("Settings")));
    }
};

QTEST_MAIN(TestOutputFolder)
#include "test_outputfolder.moc"
