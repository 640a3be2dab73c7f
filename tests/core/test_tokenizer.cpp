// Tokenizer: the official prompt cleaning and SentencePiece ids against the reference fixtures (exact), plus
// edge cases the fixtures do not cover.

#include "support/FixturePrompts.h"
#include "support/TestSupport.h"
#include "text/PromptCleaner.h"
#include "text/Tokenizer.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>

namespace fs = std::filesystem;
using wan::text::Tokenizer;

Q_DECLARE_METATYPE(std::string)

namespace {

constexpr const auto& kFixtures = wan::test::kTinyFixtures;
using wan::test::readFixturePrompts;

std::string utf8(const char32_t* s)
{
    return wan::text::encodeUtf8(s);
}

} // namespace

class TestTokenizer : public QObject
{
    Q_OBJECT

private:
    std::map<std::string, std::unique_ptr<Tokenizer>> m_tokenizers;

    Tokenizer& tokenizerFor(const std::string& fixture)
    {
        auto& t = m_tokenizers[fixture];
        if (!t)
            t = std::make_unique<Tokenizer>(Tokenizer::modelPathIn(wan::test::fixturesDir() / fixture));
        return *t;
    }

    Tokenizer& anyTokenizer() { return tokenizerFor(kFixtures[0]); }

private Q_SLOTS:
    void cleaning_data()
    {
        QTest::addColumn<std::string>("input");
        QTest::addColumn<std::string>("expected");
        // Expected values are what the official cleaner (html.unescape twice, str.strip, regex `\s+`) gives.
        QTest::newRow("empty") << std::string() << std::string();
        QTest::newRow("ascii runs") << std::string("  a \t\n b  ") << std::string("a b");
        QTest::newRow("ideographic space") << utf8(U"a\u3000\u3000b") << std::string("a b");
        QTest::newRow("unicode spaces")
            << utf8(U"x\u00a0y\u2003z\u2028w\u205fv\u202ft\u1680s") << std::string("x y z w v t s");
        QTest::newRow("info separators removed") << std::string("\x1c"
                                                                "a\x1d"
                                                                "b \x1e c\x1f")
                                                 << std::string("ab c");
        QTest::newRow("vertical tab removed") << std::string("a\x0b"
                                                             "b")
                                              << std::string("ab");
        // ftfy subset: C1 controls as windows-1252, curly quotes, terminal escapes, control characters.
        QTest::newRow("c1 next line is an ellipsis") << utf8(U"wait\u0085") << utf8(U"wait\u2026");
        QTest::newRow("c1 quotes") << std::string("\xc2\x93hi\xc2\x94") << std::string("\"hi\"");
        QTest::newRow("curly quotes") << utf8(U"\u201Ccat\u201D \u2018dog\u2019 it\u02BCs \u201E\u201F")
                                      << std::string("\"cat\" 'dog' it's \"\"");
        QTest::newRow("terminal escapes")
            << std::string("\x1b[31;1mred\x1b[0m \x1b[!") << std::string("red [!");
        QTest::newRow("bom and format controls") << utf8(U"\uFEFFcat\u206A\uFFFC") << std::string("cat");
        QTest::newRow("joiners kept") << utf8(U"a\u200Db") << utf8(U"a\u200Db");
        QTest::newRow("double escaped") << std::string("&amp;amp;") << std::string("&");
        QTest::newRow("triple escaped") << std::string("&amp;amp;amp;") << std::string("&amp;");
        QTest::newRow("basic entities") << std::string("&lt;&gt;&quot;&#39;&apos;") << std::string("<>\"''");
        QTest::newRow("nbsp") << std::string("&nbsp;x&nbsp;y&nbsp;") << std::string("x y");
        QTest::newRow("numeric") << std::string("&#65;&#x42;&#X43") << std::string("ABC");
        QTest::newRow("numeric zero") << std::string("&#0;") << utf8(U"\uFFFD");
        QTest::newRow("windows-1252 range") << std::string("&#128;&#x9f;") << utf8(U"\u20AC\u0178");
        QTest::newRow("surrogate ref") << std::string("&#xD800;") << utf8(U"\uFFFD");
        QTest::newRow("beyond unicode") << std::string("&#1114112;") << utf8(U"\uFFFD");
        QTest::newRow("huge number") << std::string("&#99999999999999999999999;") << utf8(U"\uFFFD");
        QTest::newRow("dropped control ref") << std::string("a&#1;b") << std::string("ab");
        QTest::newRow("carriage return ref") << std::string("&#13;") << std::string();
        QTest::newRow("space refs") << std::string("&#x20;a&#x3000;") << std::string("a");
        QTest::newRow("legacy no semicolon") << std::string("&copy 2024") << utf8(U"\u00A9 2024");
        QTest::newRow("longest prefix") << std::string("&notit;") << utf8(U"\u00ACit;");
        QTest::newRow("prefix then text") << std::string("&ampx") << std::string("&x");
        QTest::newRow("lt gt without semicolon") << std::string("&lt&gt") << std::string("<>");
        QTest::newRow("case sensitive") << std::string("&AMP;&Amp;") << std::string("&&Amp;");
        QTest::newRow("two code points") << std::string("&acE;") << utf8(U"\u223E\u0333");
        QTest::newRow("unknown entity") << std::string("&unknown;") << std::string("&unknown;");
        QTest::newRow("short unknown") << std::string("&am;p") << std::string("&am;p");
        QTest::newRow("bare ampersands") << std::string("AT&T & &#; &#x;") << std::string("AT&T & &#; &#x;");
        QTest::newRow("ampersand runs") << std::string("&&amp;&") << std::string("&&&");
        QTest::newRow("chinese") << utf8(U"\u732B&amp;\u72D7") << utf8(U"\u732B&\u72D7");
        QTest::newRow("invalid byte") << std::string("a\xff"
                                                     "b")
                                      << utf8(U"a\uFFFDb");
        QTest::newRow("truncated sequence") << std::string("\xe4\xb8") << utf8(U"\uFFFD");
        QTest::newRow("encoded surrogate") << std::string("\xed\xa0\x80") << utf8(U"\uFFFD\uFFFD\uFFFD");
        QTest::newRow("overlong") << std::string("\xc0\xaf") << utf8(U"\uFFFD\uFFFD");
        QTest::newRow("truncated emoji") << std::string("\xf0\x9f\x98") << utf8(U"\uFFFD");
        QTest::newRow("beyond U+10FFFF")
            << std::string("\xf4\x90\x80\x80") << utf8(U"\uFFFD\uFFFD\uFFFD\uFFFD");
    }

    void cleaning()
    {
        QFETCH(std::string, input);
        QFETCH(std::string, expected);
        QCOMPARE(QString::fromStdString(wan::text::cleanPrompt(input)), QString::fromStdString(expected));
    }

    // Random bytes (mostly invalid UTF-8, entities, controls) always clean to valid, stripped UTF-8.
    void randomBytesNeverBreak()
    {
        std::mt19937 rng(7);
        const std::string alphabet[] = {
            "&",        "#",    "x",  ";",           "amp",      "lt",           "nbsp", "1",
            "9",        " ",    "\t", "\x1b[",       "\xc2\x85", "\xe3\x80\x80", "\xff", "\xed\xa0\x80",
            "\xf0\x9f", "\x00", "a",  "\xe7\x8c\xab"};
        for (int round = 0; round < 2000; ++round) {
            std::string input;
            const int parts = int(rng() % 24);
            for (int i = 0; i < parts; ++i)
                input += alphabet[rng() % std::size(alphabet)];
            if (rng() % 4 == 0)
                input.push_back(char(rng() % 256));
            const std::string out = wan::text::cleanPrompt(input);
            bool invalid = false;
            const auto decoded = wan::text::decodeUtf8(out, &invalid);
            QVERIFY(!invalid);
            QCOMPARE(wan::text::encodeUtf8(decoded), out);
            if (!decoded.empty()) {
                QVERIFY(!wan::text::isPythonSpace(decoded.front()));
                QVERIFY(!wan::text::isPythonSpace(decoded.back()));
            }
            QCOMPARE(wan::text::cleanPrompt(out).size() <= out.size(), true);
        }
    }

    void fixturePrompts_data() { wan::test::addFixturePromptRows(); }

    // ids, mask and length of each reference prompt, and the cleaned text, exactly.
    void fixturePrompts()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, fixture);
        QFETCH(int, index);
        const auto ref = wan::test::fixturesDir() / fixture / "reference";
        const auto prompts = readFixturePrompts(ref / "tokenizer_prompts.json");
        QVERIFY(index < int(prompts.size()));
        const auto& p = prompts[std::size_t(index)];
        QCOMPARE(QString::fromStdString(wan::text::cleanPrompt(p.prompt)), QString::fromStdString(p.cleaned));

        const auto want = wan::io::loadSafetensors(ref / "tokenizer.safetensors");
        const auto& wantIds = want.at("ids")[index];
        const auto& wantMask = want.at("mask")[index];
        const auto wantLength = want.at("lengths")[index].item<std::int64_t>();
        QCOMPARE(wantLength, std::int64_t(p.numTokens));

        auto& tokenizer = tokenizerFor(fixture);
        const auto ids = tokenizer.encode(p.prompt);
        QCOMPARE(std::int64_t(ids.size()), wantLength);
        QVERIFY(torch::equal(torch::tensor(ids, torch::kInt64), wantIds.slice(0, 0, wantLength)));

        const auto batch = tokenizer.encodeBatch({p.prompt});
        QVERIFY(torch::equal(batch.ids[0], wantIds));
        QVERIFY(torch::equal(batch.mask[0], wantMask));
        QCOMPARE(batch.lengths.at(0), wantLength);
    }

    // The padded batch over all prompts equals the reference tensors as a whole.
    void fixtureBatch_data()
    {
        QTest::addColumn<std::string>("fixture");
        for (const char* fixture : kFixtures)
            QTest::newRow(fixture) << std::string(fixture);
    }

    void fixtureBatch()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, fixture);
        const auto ref = wan::test::fixturesDir() / fixture / "reference";
        std::vector<std::string> texts;
        for (const auto& p : readFixturePrompts(ref / "tokenizer_prompts.json"))
            texts.push_back(p.prompt);
        QCOMPARE(int(texts.size()), 10);
        const auto want = wan::io::loadSafetensors(ref / "tokenizer.safetensors");
        const auto batch = tokenizerFor(fixture).encodeBatch(texts);
        QVERIFY(torch::equal(batch.ids, want.at("ids")));
        QVERIFY(torch::equal(batch.mask, want.at("mask")));
        QVERIFY(torch::equal(torch::tensor(batch.lengths, torch::kInt64), want.at("lengths")));
    }

    void edgeCases_data()
    {
        QTest::addColumn<std::string>("prompt");
        QTest::newRow("empty") << std::string();
        QTest::newRow("only whitespace") << std::string(" \t\n\u3000 ");
        QTest::newRow("chinese") << utf8(U"\u4E00\u53EA\u53EF\u7231\u7684\u5C0F\u732B\u3002");
        QTest::newRow("emoji") << utf8(U"\U0001F431\U0001F3AC\U0001F600 cat");
        QTest::newRow("control characters") << std::string("a\x01"
                                                           "b\x7f"
                                                           "c\x1b[31md\x0b"
                                                           "e\x1c"
                                                           "f");
        QTest::newRow("embedded nul") << std::string("a\0b", 3);
        QTest::newRow("invalid utf-8") << std::string("bad \xff\xfe \xc3 bytes \xed\xa0\x80");
        QTest::newRow("lone continuation bytes") << std::string("\x80\x80\x80");
        QTest::newRow("private use") << utf8(U"\uE000\U000F0000");
    }

    // Never throws, never emits unk (byte fallback), always ends in exactly one EOS.
    void edgeCases()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, prompt);
        auto& tokenizer = anyTokenizer();
        std::vector<std::int64_t> ids;
        try {
            ids = tokenizer.encode(prompt);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        QVERIFY(!ids.empty());
        QCOMPARE(ids.back(), tokenizer.eosId());
        QCOMPARE(std::count(ids.begin(), ids.end(), tokenizer.eosId()), std::ptrdiff_t(1));
        QCOMPARE(std::count(ids.begin(), ids.end(), tokenizer.padId()), std::ptrdiff_t(0));
        for (auto id : ids)
            QVERIFY(id >= 0 && id < tokenizer.vocabSize());
        const std::int64_t unk = 2;
        QCOMPARE(std::count(ids.begin(), ids.end(), unk), std::ptrdiff_t(0));
    }

    void emptyIsEos()
    {
        WAN_REQUIRE_FIXTURES();
        auto& tokenizer = anyTokenizer();
        QCOMPARE(tokenizer.encode(""), std::vector<std::int64_t>{tokenizer.eosId()});
        QCOMPARE(tokenizer.encode(" \t "), std::vector<std::int64_t>{tokenizer.eosId()});
    }

    void invalidUtf8IsReplacementCharacter()
    {
        WAN_REQUIRE_FIXTURES();
        auto& tokenizer = anyTokenizer();
        QCOMPARE(tokenizer.encode("cat \xff dog"), tokenizer.encode(utf8(U"cat \uFFFD dog")));
    }

    void overlongKeepsEosLast()
    {
        WAN_REQUIRE_FIXTURES();
        auto& tokenizer = anyTokenizer();
        std::string prompt;
        for (int i = 0; i < 3000; ++i)
            prompt += "word ";
        const auto ids = tokenizer.encode(prompt);
        QCOMPARE(int(ids.size()), Tokenizer::kDefaultTextLen);
        QCOMPARE(ids.back(), tokenizer.eosId());
        QCOMPARE(std::count(ids.begin(), ids.end(), tokenizer.eosId()), std::ptrdiff_t(1));
        // Truncation keeps the beginning.
        const auto head = tokenizer.encode("word word word");
        QVERIFY(std::equal(head.begin(), head.end() - 1, ids.begin()));
    }

    void shortTextLen()
    {
        WAN_REQUIRE_FIXTURES();
        Tokenizer tokenizer(Tokenizer::modelPathIn(wan::test::fixturesDir() / kFixtures[0]), 4);
        const auto ids = tokenizer.encode("a long prompt with many words in it");
        QCOMPARE(int(ids.size()), 4);
        QCOMPARE(ids.back(), tokenizer.eosId());
        const auto batch = tokenizer.encodeBatch({"a long prompt with many words", "", "cat"});
        QCOMPARE(batch.ids.sizes().vec(), (std::vector<std::int64_t>{3, 4}));
        QCOMPARE(batch.lengths,
                 (std::vector<std::int64_t>{4, 1, std::int64_t(tokenizer.encode("cat").size())}));
        QVERIFY(torch::equal(batch.mask.sum(1), torch::tensor(batch.lengths, torch::kInt64)));
        QCOMPARE(batch.ids[1][0].item<std::int64_t>(), tokenizer.eosId());
        QCOMPARE(batch.ids[1].slice(0, 1).abs().sum().item<std::int64_t>(), std::int64_t(0));
    }

    void missingModelFails()
    {
        QTemporaryDir dir;
        try {
            Tokenizer tokenizer(fs::path(dir.path().toStdString()) / "spiece.model");
            QFAIL("expected wan::Error");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
            QVERIFY(std::string(e.what()).find("spiece.model") != std::string::npos);
        }
    }

    void corruptModelFails()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "spiece.model";
        std::ofstream(file) << "this is not a sentencepiece model";
        try {
            Tokenizer tokenizer(file);
            QFAIL("expected wan::Error");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
            QVERIFY(std::string(e.what()).find(file.string()) != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
