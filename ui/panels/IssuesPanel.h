#pragma once
// The issues list: one row per DesignIssue of the document's analysis (the text names the
// node and the reason), refreshed on every change. Clicking or activating a row that names a
// node emits nodeActivated(id), which the main window turns into a canvas selection. When the
// design is valid the list is empty and says so.
#include <QListWidget>

namespace strata {

class DesignDocument;

class IssuesPanel : public QListWidget {
    Q_OBJECT
public:
    explicit IssuesPanel(DesignDocument* document, QWidget* parent = nullptr);

    // Rebuilds the rows from the document's analysis (called on every changed()).
    void refresh();
    // The node id a row points at ("" for design-wide issues).
    static QString nodeOf(const QListWidgetItem* item);

signals:
    void nodeActivated(const QString& nodeId);
    // After a refresh, with the number of issues (for a dock title or a badge).
    void countChanged(int issues);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void activate(QListWidgetItem* item);

    DesignDocument* document_;
};

}  // namespace strata
