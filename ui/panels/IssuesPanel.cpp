#include "panels/IssuesPanel.h"

#include <QPainter>

#include "model/DesignDocument.h"

namespace strata {

namespace {
constexpr int kIconSize = 16;

QIcon errorIcon() {
    // Drawn, not themed: the same red mark on every desktop and in offscreen screenshots.
    QPixmap pixmap(2 * kIconSize, 2 * kIconSize);
    pixmap.setDevicePixelRatio(2.0);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0xD3, 0x2F, 0x2F));
    painter.drawEllipse(QRectF(2, 2, kIconSize - 4, kIconSize - 4));
    painter.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap));
    const qreal c = kIconSize / 2.0;
    painter.drawLine(QPointF(c, c - 3.5), QPointF(c, c + 0.5));
    painter.drawPoint(QPointF(c, c + 3.2));
    return QIcon(pixmap);
}
}  // namespace

IssuesPanel::IssuesPanel(DesignDocument* document, QWidget* parent)
    : QListWidget(parent), document_(document) {
    setObjectName("issuesList");
    setIconSize(QSize(kIconSize, kIconSize));
    setWordWrap(true);
    setUniformItemSizes(false);
    setAlternatingRowColors(false);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(document_, &DesignDocument::changed, this, &IssuesPanel::refresh);
    connect(this, &QListWidget::itemClicked, this, &IssuesPanel::activate);
    connect(this, &QListWidget::itemActivated, this, &IssuesPanel::activate);
    refresh();
}

void IssuesPanel::refresh() {
    static const QIcon icon = errorIcon();
    clear();
    const auto& issues = document_->analysis().issues;
    for (const DesignIssue& issue : issues) {
        auto* item = new QListWidgetItem(icon, QString::fromStdString(issue.text()), this);
        item->setData(Qt::UserRole, QString::fromStdString(issue.node));
        item->setToolTip(issue.node.empty() ? tr("The design as a whole")
                                            : tr("Click to select node \"%1\"").arg(QString::fromStdString(issue.node)));
    }
    viewport()->update();
    emit countChanged(int(issues.size()));
}

QString IssuesPanel::nodeOf(const QListWidgetItem* item) {
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void IssuesPanel::activate(QListWidgetItem* item) {
    const QString node = nodeOf(item);
    if (!node.isEmpty()) emit nodeActivated(node);
}

void IssuesPanel::paintEvent(QPaintEvent* event) {
    QListWidget::paintEvent(event);
    if (count() > 0) return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
    painter.drawText(viewport()->rect().adjusted(8, 8, -8, -8), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                     tr("No issues: every layer's shape fits."));
}

}  // namespace strata
