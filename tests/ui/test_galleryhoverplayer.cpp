// A gallery result plays in place while the pointer rests on it: decoded once (then from the cache), shown
// over the thumbnail at 16 fps, looping; a picture stays still; leaving, pressing or scrolling stops it.
#include "GalleryHoverPlayer.h"

#include <QApplication>
#include <QLabel>
#include <QListView>
#include <QMouseEvent>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QtTest>

#include <atomic>

using namespace wan::ui;

namespace {

constexpr int kPathRole = Qt::UserRole + 7;
constexpr QSize kThumb{80, 48};

void moveTo(QListView& view, const QPoint& pos)
{
    QMouseEvent move(QEvent::MouseMove, pos, view.viewport()->mapToGlobal(pos), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(view.viewport(), &move);
}

} // namespace

class TestGalleryHoverPlayer : public QObject
{
    Q_OBJECT

    QStandardItemModel m_model;
    QListView m_view;
    std::atomic<int> m_reads{0};
    std::unique_ptr<GalleryHoverPlayer> m_player;

private Q_SLOTS:
    void init()
    {
        m_model.clear();
        for (const char* name : {"a.mp4", "b.png", "c.mp4"}) {
            auto* item = new QStandardItem(QString::fromLatin1(name));
            item->setData(QStringLiteral("/results/") + QString::fromLatin1(name), kPathRole);
            m_model.appendRow(item);
        }
        m_view.setModel(&m_model);
        m_view.setViewMode(QListView::IconMode);
        m_view.setIconSize(kThumb);
        m_view.setGridSize(kThumb + QSize(20, 40));
        m_view.resize(400, 200);
        m_view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m_view));
        m_reads = 0;
        // Five frames, each a colour of its own, at the size asked for.
        m_player = std::make_unique<GalleryHoverPlayer>(
            &m_view, kPathRole,
            [this](const QString& path, QSize size) {
                ++m_reads;
                ClipFrames clip;
                if (path.endsWith(QLatin1String("c.mp4"))) {
                    clip.error = QStringLiteral("unreadable");
                    return clip;
                }
                for (int i = 0; i < 5; ++i) {
                    QImage frame(size, QImage::Format_RGB32);
                    frame.fill(QColor::fromHsv(i * 60, 200, 200));
                    clip.frames.append(frame);
                }
                return clip;
            },
            kThumb);
        m_player->setDelayMs(20);
    }

    void cleanup() { m_player.reset(); }

    void playsLoopsAndStops()
    {
        QSignalSpy frames(m_player.get(), &GalleryHoverPlayer::frameShown);
        const QModelIndex first = m_model.index(0, 0);
        moveTo(m_view, m_view.visualRect(first).center());
        QTRY_VERIFY(m_player->isPlaying());
        QCOMPARE(m_player->playingIndex(), first);
        QVERIFY(m_player->overlay()->isVisible());
        QCOMPARE(m_player->overlay()->size(), kThumb);
        QVERIFY(m_view.visualRect(first).intersects(m_player->overlay()->geometry()));
        // Loops: frame 4 is followed by frame 0 again, at about 16 fps.
        QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 7, 3000);
        QList<int> shown;
        for (const auto& args : frames)
            shown.append(args.first().toInt());
        QCOMPARE(shown.mid(0, 7), (QList<int>{0, 1, 2, 3, 4, 0, 1}));
        QCOMPARE(m_reads.load(), 1);

        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(m_view.viewport(), &leave);
        QVERIFY(!m_player->isPlaying());
        QVERIFY(!m_player->overlay()->isVisible());

        moveTo(m_view, m_view.visualRect(first).center()); // back again: from the cache
        QTRY_VERIFY(m_player->isPlaying());
        QCOMPARE(m_reads.load(), 1);

        QMouseEvent press(QEvent::MouseButtonPress, m_view.visualRect(first).center(),
                          m_view.viewport()->mapToGlobal(m_view.visualRect(first).center()), Qt::LeftButton,
                          Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_view.viewport(), &press);
        QVERIFY(!m_player->isPlaying()); // a click or a drag is about the item
    }

    void picturesAndUnreadableVideosStayStill()
    {
        moveTo(m_view, m_view.visualRect(m_model.index(1, 0)).center()); // b.png
        QTest::qWait(150);
        QVERIFY(!m_player->isPlaying());
        QCOMPARE(m_reads.load(), 0);                                     // not even decoded
        moveTo(m_view, m_view.visualRect(m_model.index(2, 0)).center()); // c.mp4, unreadable
        QTRY_COMPARE(m_reads.load(), 1);
        QTest::qWait(100);
        QVERIFY(!m_player->isPlaying());
        QVERIFY(!m_player->overlay()->isVisible());
    }

    void changesOfTheListStopIt()
    {
        moveTo(m_view, m_view.visualRect(m_model.index(0, 0)).center());
        QTRY_VERIFY(m_player->isPlaying());
        m_model.appendRow(new QStandardItem(QStringLiteral("d.mp4")));
        QVERIFY(!m_player->isPlaying());
        QVERIFY(!m_player->overlay()->isVisible());
    }
};

QTEST_MAIN(TestGalleryHoverPlayer)
#include "test_galleryhoverplayer.moc"
