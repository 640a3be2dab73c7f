// Engine errors in the user's language: a translated sentence for every wan::reason code and a headline for
// every ErrorKind stand first; the engine's English text follows only as the details.

#include "ErrorText.h"

#include "wan/Error.h"
#include "wan/Request.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QTranslator>

using namespace wan::ui;

namespace {

// Every code of namespace wan::reason, read from the header itself so that a new code without a sentence here
// fails this test.
QStringList reasonCodes()
{
    QFile header(qEnvironmentVariable("WAN_SOURCE_DIR") + QStringLiteral("/core/include/wan/Request.h"));
    if (!header.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(header.readAll());
    const auto begin = text.indexOf(QStringLiteral("namespace reason {"));
    const auto end = text.indexOf(QStringLiteral("} // namespace reason"));
    if (begin < 0 || end < begin)
        return {};
    QStringList codes;
    static const QRegularExpression code(QStringLiteral("std::string_view k\\w+ = \"([a-z_0-9]+)\""));
    for (const auto& match : code.globalMatch(text.mid(begin, end - begin)))
        codes.append(match.captured(1));
    return codes;
}

constexpr wan::ErrorKind kKinds[] = {wan::ErrorKind::InvalidArgument, wan::ErrorKind::ModelFolder,
                                     wan::ErrorKind::CorruptFile,     wan::ErrorKind::Io,
                                     wan::ErrorKind::Image,           wan::ErrorKind::OutOfMemory,
                                     wan::ErrorKind::Cancelled,       wan::ErrorKind::Network,
                                     wan::ErrorKind::Internal};

bool hasChinese(const QString& text)
{
    for (const QChar c : text)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF)
            return true;
    return false;
}

// The error wan::validate throws for a 6-frame video (frame counts are 4n+1).
wan::Error frameCountError()
{
    wan::Request request = wan::defaultRequest(wan::Task::T2V, wan::ModelSize::Small);
    request.prompt = "a cat";
    request.outputPath = "out.mp4";
    request.frameNum = 6;
    try {
        wan::validate(request);
    } catch (const wan::Error& error) {
        return error;
    }
    return wan::Error(wan::ErrorKind::Internal, "validate accepted 6 frames");
}

} // namespace

class TestErrorText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyReasonHasItsSentence()
    {
        const QStringList codes = reasonCodes();
        QVERIFY2(codes.size() >= 20,
                 qPrintable(QStringLiteral("read %1 codes from Request.h (WAN_SOURCE_DIR=%2)")
                                .arg(codes.size())
                                .arg(qEnvironmentVariable("WAN_SOURCE_DIR"))));
        QVERIFY(codes.contains(QStringLiteral("lora_merge_streamed"))); // raised by the engine, not validate
        QSet<QString> sentences;
        for (const QString& code : codes) {
            const QString sentence = reasonText(code);
            QVERIFY2(!sentence.isEmpty(), qPrintable(code));
            QVERIFY2(sentence != errorHeadline(wan::ErrorKind::InvalidArgument), qPrintable(code));
            sentences.insert(sentence);
            // It stands first, before the engine's text.
            const QString message =
                userErrorMessage(wan::ErrorKind::InvalidArgument, QStringLiteral("engine"), code);
            QVERIFY2(message.startsWith(sentence), qPrintable(message));
        }
        QCOMPARE(sentences.size(), codes.size()); // one sentence per code
        QVERIFY(reasonText(QStringLiteral("no_such_reason")).isEmpty());
        QVERIFY(reasonText(QString()).isEmpty());
    }

    void everyKindHasItsHeadline()
    {
        QSet<QString> headlines;
        for (const auto kind : kKinds) {
            QVERIFY2(!errorHeadline(kind).isEmpty(), qPrintable(QString::number(int(kind))));
            headlines.insert(errorHeadline(kind));
        }
        QCOMPARE(headlines.size(), int(std::size(kKinds)));
        // An unknown code: the kind's headline first, its advice, the engine's text last as the details.
        const QString detail =
            QStringLiteral("Missing /m/Wan2.1_VAE.pth (the Wan2.1 VAE) in the model folder.");
        const QString message =
            userErrorMessage(wan::ErrorKind::ModelFolder, detail, QStringLiteral("unknown"));
        const QStringList parts = message.split(QStringLiteral("\n\n"));
        QCOMPARE(parts.size(), 3);
        QCOMPARE(parts[0], errorHeadline(wan::ErrorKind::ModelFolder));
        QCOMPARE(parts[1], errorAdvice(wan::ErrorKind::ModelFolder));
        QVERIFY(parts[2].contains(detail));
        // Reason-specific advice still replaces the kind's.
        const QString lora =
            userErrorMessage(wan::ErrorKind::InvalidArgument, detail, QStringLiteral("lora_missing"));
        QVERIFY(lora.contains(errorAdvice(wan::ErrorKind::InvalidArgument, QStringLiteral("lora_missing"))));
        QVERIFY(!lora.contains(errorAdvice(wan::ErrorKind::InvalidArgument)));
    }

    void validationFailureInEnglish()
    {
        const wan::Error error = frameCountError();
        QCOMPARE(QString::fromStdString(error.reason()), QStringLiteral("frame_count"));
        const QString message = userErrorMessage(error);
        QVERIFY2(message.startsWith(reasonText(QStringLiteral("frame_count"))), qPrintable(message));
        QVERIFY(message.section(QStringLiteral("\n\n"), -1).contains(QString::fromUtf8(error.what())));
    }

    void validationFailureInChinese()
    {
#ifndef WAN_UI_QM_DIR
        QFAIL("WAN_UI_QM_DIR is not set: the test needs the compiled translations");
#else
        QTranslator chinese;
        QVERIFY(chinese.load(QStringLiteral("wan_studio_zh_CN"), QStringLiteral(WAN_UI_QM_DIR)));
        QCoreApplication::installTranslator(&chinese);
        const wan::Error error = frameCountError();
        const QString english = QString::fromUtf8(error.what());
        const QString message = userErrorMessage(error);
        QCoreApplication::removeTranslator(&chinese);
        qInfo("%s", qPrintable(message));
        const QString headline = message.section(QStringLiteral("\n\n"), 0, 0);
        QVERIFY2(hasChinese(headline), qPrintable(headline));
        QVERIFY2(!headline.contains(english), qPrintable(headline));
        QVERIFY(message.contains(english)); // the engine's text stays, as the details

        // Every reason and headline is translated.
        QCoreApplication::installTranslator(&chinese);
        QStringList untranslated;
        for (const QString& code : reasonCodes())
            if (!hasChinese(reasonText(code)))
                untranslated.append(code);
        for (const auto kind : kKinds)
            if (!hasChinese(errorHeadline(kind)))
                untranslated.append(QString::number(int(kind)));
        QCoreApplication::removeTranslator(&chinese);
        QVERIFY2(untranslated.isEmpty(), qPrintable(untranslated.join(QLatin1Char(' '))));
#endif
    }
};

QTEST_GUILESS_MAIN(TestErrorText)
#include "test_errortext.moc"
