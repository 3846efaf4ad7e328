#pragma once
// The palette's tree of layer types. Layer items carry their type name (Qt::UserRole) and
// are draggable: the drag holds kLayerMimeType data with the type name, and shows a small
// card with the name under the cursor. Group items are neither draggable nor selectable.
#include <QTreeWidget>

class QMimeData;

namespace strata {

class PaletteTree : public QTreeWidget {
    Q_OBJECT
public:
    explicit PaletteTree(QWidget* parent = nullptr);

    // The drag payload for a layer type: kLayerMimeType with the UTF-8 type name, plus the
    // name as plain text (so dropping onto a text field writes the type).
    static QMimeData* mimeDataFor(const QString& type);
    // The layer type an item stands for; "" for group items.
    static QString typeOf(const QTreeWidgetItem* item);

protected:
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override;
    void startDrag(Qt::DropActions supportedActions) override;
};

}  // namespace strata
