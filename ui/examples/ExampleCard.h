#pragma once
// What the Data dock says about one image: its thumbnail (decoded with QImageReader, torch-free,
// enlarged crisply), its folder label, the class the network prefers and the map's numbers.
// ExampleCard is the hover card of the map: a small tool-tip window with the picture and text.
#include <QFrame>
#include <QImage>
#include <QString>
#include <QStringList>

#include "insight/DatasetMap.h"

class QLabel;

namespace strata {

// The image file at `path`, scaled to fit `box` pixels (small images enlarged with square
// pixels); a null image when the file cannot be read (moved, deleted).
QImage exampleThumbnail(const QString& path, int box);
// "mean p 0.021 · variability 0.013 · right 0/5": the numbers of the map.
QString exampleNumbers(const MapPoint& point, int epochs);

class ExampleCard : public QFrame {
    Q_OBJECT
public:
    explicit ExampleCard(QWidget* parent);
    // Shows `point` near `globalPos` (below right of the cursor, kept on its screen).
    void showPoint(const MapPoint& point, const QStringList& classes, int epochs, QPoint globalPos);
    // The card's text as plain text (file, label, preferred class, numbers), for tests.
    QString text() const;
    bool hasImage() const;

private:
    QLabel* image_;
    QLabel* text_;
};

}  // namespace strata
