#include "panels/PalettePanel.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QVBoxLayout>

#include "canvas/CanvasStyle.h"
#include "design/LayerRegistry.h"
#include "panels/PaletteTree.h"
#include "widgets/ToolIcons.h"

namespace strata {

namespace {
constexpr int kDotSize = 10;

QIcon dotIcon(const QColor& color) {
    QPixmap pixmap(2 * kDotSize, 2 * kDotSize);
    pixmap.setDevicePixelRatio(2.0);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(color.darker(130));
    painter.setBrush(color);
    painter.drawRoundedRect(QRectF(1.5, 1.5, kDotSize - 3, kDotSize - 3), 2, 2);
    return QIcon(pixmap);
}
}  // namespace

QColor PalettePanel::groupColor(const QString& group) { return canvas::groupColor(group); }

PalettePanel::PalettePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    search_ = new QLineEdit(this);
    search_->setObjectName("paletteSearch");
    search_->setPlaceholderText(tr("Search layers"));
    search_->setClearButtonEnabled(true);
    search_->addAction(toolIcon("search", QColor(0x9c, 0xa3, 0xaf)), QLineEdit::LeadingPosition);
    search_->setToolTip(tr("Filter by layer name or description; Return adds the first match"));
    layout->addWidget(search_);

    tree_ = new PaletteTree(this);
    tree_->setObjectName("paletteTree");
    layout->addWidget(tree_, 1);

    empty_ = new QLabel(tr("No layer matches"), this);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setEnabled(false);
    empty_->hide();
    layout->addWidget(empty_);

    populate();
    connect(search_, &QLineEdit::textChanged, this, &PalettePanel::applyFilter);
    connect(search_, &QLineEdit::returnPressed, this, &PalettePanel::addFirstMatch);
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const QString type = PaletteTree::typeOf(item);
        if (!type.isEmpty()) emit addRequested(type);
    });
}

void PalettePanel::populate() {
    const LayerRegistry& registry = LayerRegistry::instance();
    for (const std::string& group : registry.groups()) {
        const QString groupName = QString::fromStdString(group);
        auto* groupItem = new QTreeWidgetItem(tree_, {groupName});
        QFont bold = groupItem->font(0);
        bold.setBold(true);
        groupItem->setFont(0, bold);
        groupItem->setFlags(Qt::ItemIsEnabled);
        const QIcon icon = dotIcon(groupColor(groupName));
        for (const LayerSpec* spec : registry.all()) {
            if (spec->group != group) continue;
            const QString type = QString::fromStdString(spec->type);
            auto* item = new QTreeWidgetItem(groupItem, {type});
            item->setData(0, Qt::UserRole, type);
            item->setIcon(0, icon);
            item->setToolTip(0, QStringLiteral("<b>%1</b><br>%2").arg(
                                    type, QString::fromStdString(spec->description).toHtmlEscaped()));
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
        }
        groupItem->setExpanded(true);
    }
}

void PalettePanel::setFilter(const QString& text) { search_->setText(text); }

void PalettePanel::applyFilter(const QString& text) {
    const QString needle = text.trimmed();
    const LayerRegistry& registry = LayerRegistry::instance();
    int shown = 0;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        int groupShown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const QString type = PaletteTree::typeOf(item);
            const LayerSpec* spec = registry.find(type.toStdString());
            const QString description = spec ? QString::fromStdString(spec->description) : QString();
            const bool match = needle.isEmpty() || type.contains(needle, Qt::CaseInsensitive) ||
                               description.contains(needle, Qt::CaseInsensitive);
            item->setHidden(!match);
            groupShown += match;
        }
        group->setHidden(groupShown == 0);
        if (groupShown > 0 && !needle.isEmpty()) group->setExpanded(true);
        shown += groupShown;
    }
    empty_->setVisible(shown == 0);
}

QStringList PalettePanel::visibleTypes() const {
    QStringList types;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        const QTreeWidgetItem* group = tree_->topLevelItem(g);
        if (group->isHidden()) continue;
        for (int i = 0; i < group->childCount(); ++i)
            if (!group->child(i)->isHidden()) types << PaletteTree::typeOf(group->child(i));
    }
    return types;
}

QTreeWidgetItem* PalettePanel::itemFor(const QString& type) const {
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (PaletteTree::typeOf(group->child(i)) == type) return group->child(i);
    }
    return nullptr;
}

void PalettePanel::addFirstMatch() {
    // An exact name wins over an earlier partial match ("ReLU" typed: ReLU, not LeakyReLU).
    const QStringList types = visibleTypes();
    const QString needle = search_->text().trimmed();
    for (const QString& type : types)
        if (type.compare(needle, Qt::CaseInsensitive) == 0) return emit addRequested(type);
    if (!types.isEmpty()) emit addRequested(types.first());
}

}  // namespace strata
