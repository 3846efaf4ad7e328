#include "insight/FiltersView.h"

#include <QLabel>
#include <QVBoxLayout>

#include "widgets/Labels.h"
#include "widgets/PixelImage.h"
#include "insight/PictureImage.h"

namespace strata {

namespace {
constexpr int kPreferredBox = 300;
}

FiltersView::FiltersView(QWidget* parent) : QWidget(parent) {
    setObjectName("filtersView");
    title_ = sectionHeader(QString(), this);
    hint_ = hintLabel(tr("The design has no convolution: there are no filters to show."), this);
    image_ = new PixelImage(this);
    image_->setPreferredBox(kPreferredBox);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(title_);
    layout->addWidget(image_, 1);
    layout->addWidget(hint_, 1);
    clear();
}

void FiltersView::setSnapshot(const FeatureSnapshot& snapshot) {
    const QImage image = toQImage(snapshot.filters);
    if (snapshot.filtersLayer.empty() || image.isNull()) {
        clear();
        return;
    }
    title_->setText(tr("Filters of %1, the first convolution").arg(QString::fromStdString(snapshot.filtersLayer)));
    title_->setToolTip(tr("Each cell is one kernel: the pattern of input pixels it responds to most."));
    image_->setImage(image);
    image_->show();
    hint_->hide();
}

void FiltersView::clear() {
    title_->setText(tr("Filters"));
    image_->setImage(QImage());
    image_->hide();
    hint_->show();
}

QString FiltersView::title() const { return title_->text(); }

}  // namespace strata
