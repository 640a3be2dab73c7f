// The fixture lookup of the test suite itself: parity tests skip only on a clone without the fixtures, fail in
// CI or with a wrong WAN_FIXTURES_DIR, and find their own data from the source tree, not the working folder.
#include "support/Fixtures.h"
#include "support/ProcessRun.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace fs = std::filesystem;

namespace {

// A folder that looks like the fixtures to the lookup.
bool makeFakeFixtures(const QString& dir)
{
    if (!QDir(dir).mkpath(QStringLiteral("wan-tiny-t2v/reference")))
        return false;
    QFile config(dir + QStringLiteral("/wan-tiny-t2v/config.json"));
    return config.open(QIODevice::WriteOnly) && config.write("{}") == 2;
}

} // namespace

class TestFixtures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void lookup_data();
    void lookup();
    void requiredFromEnvironment_data();
    void requiredFromEnvironment();
    void macroOutcome_data();
    void macroOutcome();
    void requireFixtures();
    void sourcePathIgnoresWorkingFolder();

private:
    QTemporaryDir m_dir;
    QString m_good, m_empty, m_missing;
};

void TestFixtures::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_good = m_dir.filePath(QStringLiteral("good"));
    m_empty = m_dir.filePath(QStringLiteral("empty"));
    m_missing = m_dir.filePath(QStringLiteral("missing"));
    QVERIFY(makeFakeFixtures(m_good));
    QVERIFY(QDir().mkpath(m_empty));
}

void TestFixtures::lookup_data()
{
    QTest::addColumn<QString>("env");      // "good", "empty", "missing" or "" (unset)
    QTest::addColumn<QString>("fallback"); // "good" or "missing"
    QTest::addColumn<bool>("required");
    QTest::addColumn<QString>("found");    // which folder is returned, "" for none
    QTest::addColumn<bool>("mustFail");
    QTest::addColumn<QString>("problemPart");

    QTest::newRow("clone with ../shared") << "" << "good" << false << "good" << false << "";
    QTest::newRow("clone with ../shared, CI") << "" << "good" << true << "good" << false << "";
    QTest::newRow("clone without ../shared: skip") << "" << "missing" << false << "" << false << "did NOT run";
    QTest::newRow("CI without fixtures: fail") << "" << "missing" << true << "" << true << "required";
    QTest::newRow("WAN_FIXTURES_DIR right") << "good" << "missing" << false << "good" << false << "";
    QTest::newRow("WAN_FIXTURES_DIR wrong folder: fail")
        << "empty" << "good" << false << "" << true << "is not the reference fixtures folder";
    QTest::newRow("WAN_FIXTURES_DIR missing: fail")
        << "missing" << "good" << false << "" << true << "is not the reference fixtures folder";
}

void TestFixtures::lookup()
{
    QFETCH(QString, env);
    QFETCH(QString, fallback);
    QFETCH(bool, required);
    QFETCH(QString, found);
    QFETCH(bool, mustFail);
    QFETCH(QString, problemPart);
    auto folder = [&](const QString& which) { return m_dir.filePath(which).toStdString(); };
    const std::string envDir = env.isEmpty() ? std::string() : folder(env);
    const auto result = wan::test::lookUpFixtures(env.isEmpty() ? nullptr : envDir.c_str(),
                                                  fs::path(folder(fallback)), required);
    if (found.isEmpty())
        QVERIFY(result.dir.empty());
    else
        QCOMPARE(fs::weakly_canonical(result.dir), fs::weakly_canonical(folder(found)));
    QCOMPARE(result.mustFail, mustFail);
    QVERIFY2(QString::fromStdString(result.problem).contains(problemPart), result.problem.c_str());
    QCOMPARE(result.problem.empty(), !result.dir.empty());
}

void TestFixtures::requiredFromEnvironment_data()
{
    QTest::addColumn<QString>("ci");
    QTest::addColumn<QString>("requireFixtures");
    QTest::addColumn<bool>("required");
    QTest::newRow("neither") << "" << "" << false;
    QTest::newRow("CI=true") << "true" << "" << true;
    QTest::newRow("CI=1") << "1" << "" << true;
    QTest::newRow("CI=false") << "false" << "" << false;
    QTest::newRow("WAN_REQUIRE_FIXTURES=1") << "" << "1" << true;
    QTest::newRow("WAN_REQUIRE_FIXTURES=0") << "" << "0" << false;
}

void TestFixtures::requiredFromEnvironment()
{
    QFETCH(QString, ci);
    QFETCH(QString, requireFixtures);
    QFETCH(bool, required);
    const QByteArray oldCi = qgetenv("CI"), oldRequire = qgetenv("WAN_REQUIRE_FIXTURES");
    const bool hadCi = qEnvironmentVariableIsSet("CI"), hadRequire = qEnvironmentVariableIsSet("WAN_REQUIRE_FIXTURES");
    auto set = [](const char* name, const QString& value) {
        if (value.isEmpty())
            qunsetenv(name);
        else
            qputenv(name, value.toUtf8());
    };
    set("CI", ci);
    set("WAN_REQUIRE_FIXTURES", requireFixtures);
    const bool got = wan::test::fixturesRequired();
    hadCi ? qputenv("CI", oldCi) : qunsetenv("CI");
    hadRequire ? qputenv("WAN_REQUIRE_FIXTURES", oldRequire) : qunsetenv("WAN_REQUIRE_FIXTURES");
    QCOMPARE(got, required);
}

void TestFixtures::macroOutcome_data()
{
    QTest::addColumn<QString>("fixturesDir"); // "good", "empty", "missing"
    QTest::addColumn<QString>("ci");
    QTest::addColumn<bool>("passes");
    QTest::newRow("CI, WAN_FIXTURES_DIR wrong folder") << "empty" << "true" << false;
    QTest::newRow("CI, WAN_FIXTURES_DIR missing") << "missing" << "true" << false;
    QTest::newRow("no CI, WAN_FIXTURES_DIR wrong folder") << "empty" << "" << false;
    QTest::newRow("CI, fixtures found") << "good" << "true" << true;
}

// WAN_REQUIRE_FIXTURES in a real test function: requireFixtures() run as a child process.
void TestFixtures::macroOutcome()
{
    QFETCH(QString, fixturesDir);
    QFETCH(QString, ci);
    QFETCH(bool, passes);
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("CI"));
    env.remove(QStringLiteral("WAN_REQUIRE_FIXTURES"));
    if (!ci.isEmpty())
        env.insert(QStringLiteral("CI"), ci);
    env.insert(QStringLiteral("WAN_FIXTURES_DIR"), m_dir.filePath(fixturesDir));
    const auto run = wan::test::runProcess(QCoreApplication::applicationFilePath(),
                                           {QStringLiteral("requireFixtures")}, 60000, env);
    const QString output = run.out + run.err;
    if (passes) {
        QVERIFY2(run.exitCode == 0 && output.contains(QLatin1String("PASS   : TestFixtures::requireFixtures()")),
                 qPrintable(output));
    } else {
        QVERIFY2(run.exitCode != 0 && output.contains(QLatin1String("FAIL!  : TestFixtures::requireFixtures()")),
                 qPrintable(output));
        QVERIFY2(!output.contains(QLatin1String("SKIP")), qPrintable(output));
    }
}

void TestFixtures::requireFixtures()
{
    WAN_REQUIRE_FIXTURES();
    QVERIFY(!wan::test::fixturesDir().empty());
}

void TestFixtures::sourcePathIgnoresWorkingFolder()
{
    QTemporaryDir elsewhere;
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(elsewhere.path()));
    const fs::path file = wan::test::sourcePath("tests/fuzz/corpus/pth/torch_ordereddict");
    QDir::setCurrent(previous);
    QVERIFY2(file.is_absolute() && fs::is_regular_file(file), file.c_str());
}

QTEST_GUILESS_MAIN(TestFixtures)
#include "test_fixtures.moc"
