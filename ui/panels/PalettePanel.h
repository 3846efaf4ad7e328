#pragma once
// The layer palette: a search box over the registry's layer types, grouped by purpose in the
// registry's palette order. Layers are dragged onto the canvas (kLayerMimeType), or added by a
// double-click (or Return in the search box), which the main window turns into an addNode at
// the centre of the view.
#include <QColor>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTreeWidgetItem;

namespace strata {

class PaletteTree;

class PalettePanel : public QWidget {
    Q_OBJECT
public:
    explicit PalettePanel(QWidget* parent = nullptr);

    // Shows only the layers whose type name or description contains `text` (case-insensitive);
    // groups with no match are hidden. Same as typing into the search box.
    void setFilter(const QString& text);
    // The layer types currently shown, in palette order.
    QStringList visibleTypes() const;

    QLineEdit* searchBox() const { return search_; }
    PaletteTree* tree() const { return tree_; }
    // The item of a layer type (nullptr when unknown).
    QTreeWidgetItem* itemFor(const QString& type) const;

    // The accent colour of a palette group: the canvas's, so a layer looks the same in both.
    static QColor groupColor(const QString& group);

signals:
    // The user asked to add a layer of `type` without dragging it.
    void addRequested(const QString& type);

private:
    void populate();
    void applyFilter(const QString& text);
    void addFirstMatch();

    QLineEdit* search_ = nullptr;
    PaletteTree* tree_ = nullptr;
    QLabel* empty_ = nullptr;
};

}  // namespace strata
