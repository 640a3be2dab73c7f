// Request <-> JSON for every task, including the FLF2V and VACE inputs.
#include "JobTypes.h"

#include <QJsonDocument>
#include <QTest>

using namespace wan::ui;

class TestJobTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void taskNamesRoundTrip_data();
    void taskNamesRoundTrip();
    void flf2vRequestRoundTrip();
    void vaceRequestRoundTrip();
};

void TestJobTypes::taskNamesRoundTrip_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("name");
    QTest::newRow("t2v") << int(wan::Task::T2V) << "t2v";
    QTest::newRow("i2v") << int(wan::Task::I2V) << "i2v";
    QTest::newRow("t2i") << int(wan::Task::T2I) << "t2i";
    QTest::newRow("flf2v") << int(wan::Task::FLF2V) << "flf2v";
    QTest::newRow("vace") << int(wan::Task::VACE) << "vace";
}

void TestJobTypes::taskNamesRoundTrip()
{
    QFETCH(int, task);
    QFETCH(QString, name);
    QCOMPARE(taskName(wan::Task(task)), name);
    QCOMPARE(int(taskFromName(name).value()), task);
    QVERIFY(!taskText(wan::Task(task)).isEmpty());
}

namespace {
wan::Request throughJson(const wan::Request& request)
{
    const QByteArray text = QJsonDocument(requestToJson(request)).toJson();
    wan::Request back;
    if (!requestFromJson(QJsonDocument::fromJson(text).object(), &back))
        qFatal("requestFromJson failed: %s", text.constData());
    return back;
}
} // namespace

void TestJobTypes::flf2vRequestRoundTrip()
{
    wan::Request r;
    r.task = wan::Task::FLF2V;
    r.firstFrame = "/in/first frame.png";
    r.lastFrame = "/in/last.jpg";
    r.width = 1280;
    r.height = 720;
    const wan::Request back = throughJson(r);
    QCOMPARE(int(back.task), int(wan::Task::FLF2V));
    QCOMPARE(back.firstFrame.string(), r.firstFrame.string());
    QCOMPARE(back.lastFrame.string(), r.lastFrame.string());
    QCOMPARE(back.width * back.height, 1280 * 720);
    QVERIFY(back.srcVideo.empty() && back.srcRefImages.empty());
}

void TestJobTypes::vaceRequestRoundTrip()
{
    wan::Request r;
    r.task = wan::Task::VACE;
    r.srcVideo = "/in/source.mp4";
    r.srcMask = "/in/mask_frames";
    r.srcRefImages = {"/in/ref 1.png", "/in/ref2.png"};
    r.contextScale = 0.75;
    r.width = 0;
    r.height = 0;
    r.frameNum = 0;
    const wan::Request back = throughJson(r);
    QCOMPARE(int(back.task), int(wan::Task::VACE));
    QCOMPARE(back.srcVideo.string(), r.srcVideo.string());
    QCOMPARE(back.srcMask.string(), r.srcMask.string());
    QCOMPARE(back.srcRefImages.size(), std::size_t(2));
    QCOMPARE(back.srcRefImages[1].string(), std::string("/in/ref2.png"));
    QCOMPARE(back.contextScale, 0.75);
    QCOMPARE(back.width, 0);
    QCOMPARE(back.frameNum, 0);

    wan::Request plain; // a T2V request keeps the VACE defaults
    QCOMPARE(throughJson(plain).contextScale, 1.0);
}

QTEST_GUILESS_MAIN(TestJobTypes)
#include "test_jobtypes.moc"
