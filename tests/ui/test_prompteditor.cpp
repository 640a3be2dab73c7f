// The prompt editor: putting in a recent prompt or an accepted rewrite is one edit that Ctrl+Z takes back,
// with what was typed before it intact.
#include "PromptEditor.h"

#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QToolButton>

using namespace wan::ui;

class TestPromptEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void undoBringsBackWhatWasReplaced_data()
    {
        QTest::addColumn<bool>("fromHistory"); // the Recent menu, or an accepted rewrite (replaceText)
        QTest::newRow("recent prompt") << true;
        QTest::newRow("rewrite") << false;
    }
    void undoBringsBackWhatWasReplaced()
    {
        QFETCH(bool, fromHistory);
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        PromptEditor editor(&settings, QStringLiteral("prompt/history"));
        const QString other = QStringLiteral("A paper boat drifting down a rainy street");
        editor.addToHistory(other);
        editor.setText(QStringLiteral("A fox"));
        editor.editor()->moveCursor(QTextCursor::End);
        QTest::keyClicks(editor.editor(), QStringLiteral(" in the snow"));
        const QString typed = QStringLiteral("A fox in the snow");
        QCOMPARE(editor.text(), typed);

        if (fromHistory) {
            auto* button = editor.findChild<QToolButton*>();
            QVERIFY(button && button->menu());
            const QList<QAction*> actions = button->menu()->actions();
            QVERIFY(!actions.isEmpty());
            actions.first()->trigger();
        } else {
            editor.replaceText(other);
        }
        QCOMPARE(editor.text(), other);
        QVERIFY(editor.editor()->document()->isUndoAvailable());
        editor.editor()->undo(); // one step: the whole replacement
        QCOMPARE(editor.text(), typed);
        editor.editor()->undo(); // and what was typed before it, as typed
        QVERIFY(editor.text() != typed);
        editor.editor()->redo();
        editor.editor()->redo();
        QCOMPARE(editor.text(), other);
    }
};

QTEST_MAIN(TestPromptEditor)
#include "test_prompteditor.moc"
