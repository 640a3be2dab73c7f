#include "support/FixturePrompts.h"

#include "support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

Q_DECLARE_METATYPE(std::string)

namespace wan::test {

std::vector<FixturePrompt> readFixturePrompts(const std::filesystem::path& file)
{
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::vector<FixturePrompt> out;
    for (const auto& v : QJsonDocument::fromJson(f.readAll()).array()) {
        const auto o = v.toObject();
        out.push_back({o.value("name").toString().toStdString(), o.value("prompt").toString().toStdString(),
                       o.value("cleaned").toString().toStdString(), o.value("num_tokens").toInt()});
    }
    return out;
}

void addFixturePromptRows()
{
    QTest::addColumn<std::string>("fixture");
    QTest::addColumn<int>("index");
    const auto dir = fixturesDir();
    if (dir.empty()) { // one row, so that the test runs and WAN_REQUIRE_FIXTURES skips or fails it
        QTest::newRow("fixtures") << std::string() << -1;
        return;
    }
    for (const char* fixture : kTinyFixtures) {
        const auto prompts = readFixturePrompts(dir / fixture / "reference" / "tokenizer_prompts.json");
        for (std::size_t i = 0; i < prompts.size(); ++i)
            QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(fixture, prompts[i].name.c_str())))
                << std::string(fixture) << int(i);
    }
}

} // namespace wan::test
