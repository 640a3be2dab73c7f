#pragma once

#include "GalleryModel.h"

#include <QDockWidget>
#include <QUuid>

class QAction;
class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QToolBar;
class QToolButton;

namespace wan::ui {

// The gallery as a dock: finished results as thumbnails, a search field over the prompts, the selected
// result's settings, and its actions (load settings, last frame as I2V image, variations of it, open folder,
// delete to the trash after asking, read the output folders again). Results are dragged out as file URLs.
class GalleryDock final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GalleryDock)

public:
    explicit GalleryDock(GalleryModel* model, QWidget* parent = nullptr);

    QListView* view() const { return m_view; }
    QLineEdit* searchField() const { return m_search; }
    QUuid selectedJob() const;
    void selectJob(const QUuid& id);

    QAction* loadEverythingAction() const { return m_loadEverything; }
    QAction* loadPromptAction() const { return m_loadPrompt; }
    QAction* loadAllButSeedAction() const { return m_loadAllButSeed; }
    QAction* lastFrameAction() const { return m_lastFrame; }
    QAction* openFolderAction() const { return m_openFolder; }
    QAction* deleteAction() const { return m_delete; }
    QAction* variationsAction() const { return m_variations; }
    QAction* refreshAction() const { return m_refresh; }
    QString detailsText() const;

    // Asks, then moves the selected result's job folder to the trash. False when declined or refused.
    bool deleteSelected();

Q_SIGNALS:
    void loadSettingsRequested(const QUuid& id, wan::ui::RecallScope scope);
    void lastFrameRequested(const QUuid& id);
    void variationsRequested(const QUuid& id); // "Variations…" with this result's request as the base
    void openRequested(const QUuid& id);       // show the result in the player
    void messageRequested(const QString& message);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateActions();
    void retranslate();

    GalleryModel* m_model;
    QLineEdit* m_search = nullptr;
    QListView* m_view = nullptr;
    QLabel* m_details = nullptr;
    QToolBar* m_toolbar = nullptr;
    QToolButton* m_loadButton = nullptr;
    QMenu* m_loadMenu = nullptr;
    QAction* m_loadEverything = nullptr;
    QAction* m_loadPrompt = nullptr;
    QAction* m_loadAllButSeed = nullptr;
    QAction* m_lastFrame = nullptr;
    QAction* m_openFolder = nullptr;
    QAction* m_delete = nullptr;
    QAction* m_variations = nullptr;
    QAction* m_refresh = nullptr;
    QUuid m_selectedBeforeReset; // kept across a model reset
};

} // namespace wan::ui
