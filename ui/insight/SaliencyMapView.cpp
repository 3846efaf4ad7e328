#include "insight/SaliencyMapView.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "widgets/Labels.h"
#include "widgets/PixelImage.h"
#include "insight/PictureImage.h"

namespace strata {

namespace {
constexpr int kBox = 200;
}

SaliencyMapView::SaliencyMapView(QWidget* parent) : QWidget(parent) {
    setObjectName("saliencyView");
    caption_ = sectionHeader(QString(), this);
    caption_->setWordWrap(true);
    method_ = new QLabel(this);
    method_->setWordWrap(true);
    method_->setForegroundRole(QPalette::PlaceholderText);
    probe_ = new PixelImage(this);
    probe_->setPreferredBox(kBox);
    overlay_ = new PixelImage(this);
    overlay_->setPreferredBox(kBox);
    auto* images = new QGridLayout;
    images->addWidget(new QLabel(tr("probe image"), this), 0, 0, Qt::AlignHCenter);
    images->addWidget(new QLabel(tr("where the network looked"), this), 0, 1, Qt::AlignHCenter);
    images->addWidget(probe_, 1, 0);
    images->addWidget(overlay_, 1, 1);
    images->setRowStretch(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(sectionHeader(tr("Saliency"), this));
    layout->addWidget(caption_);
    layout->addLayout(images, 1);
    layout->addWidget(method_);
    clear();
}

void SaliencyMapView::clear() {
    caption_->setText(tr("No prediction yet."));
    method_->clear();
    probe_->setImage(QImage());
    overlay_->setImage(QImage());
}

void SaliencyMapView::setSnapshot(const FeatureSnapshot& snapshot) {
    const SaliencyView& s = snapshot.saliency;
    probe_->setImage(toQImage(snapshot.probeImage));
    overlay_->setImage(toQImage(s.overlay.empty() ? s.heat : s.overlay));
    if (s.predicted.empty()) {
        caption_->setText(tr("No prediction yet."));
        method_->clear();
        return;
    }
    caption_->setText(tr("Predicted: %1 (%2%)")
                          .arg(QString::fromStdString(s.predicted))
                          .arg(100 * s.probability, 0, 'f', 1));
    if (s.method == "grad-cam")
        method_->setText(tr("Grad-CAM on %1, the last convolution: bright regions raised the predicted class most.")
                             .arg(QString::fromStdString(s.layer)));
    else
        method_->setText(tr("Input gradient (the design has no convolution): bright pixels changed the predicted "
                            "class most."));
}

QString SaliencyMapView::caption() const { return caption_->text(); }

}  // namespace strata
