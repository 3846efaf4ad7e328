#pragma once
// Factories for the small labels the studio's panels share: crisp image tiles for grids,
// bold section headers and grey "nothing to show yet" hints.
#include <QImage>
#include <QLabel>
#include <QString>

namespace strata {

// The object name of every image tile, so tests and screenshots can count them.
inline constexpr const char* kImageTileName = "imageTile";

// A QLabel showing `image` enlarged crisply to about `box` pixels, with a tooltip.
QLabel* imageTile(const QImage& image, int box, const QString& toolTip, QWidget* parent = nullptr);
// A small bold header for a column or section.
QLabel* sectionHeader(const QString& text, QWidget* parent = nullptr);
// A grey, centred, word-wrapped hint (what to do when there is nothing to show).
QLabel* hintLabel(const QString& text, QWidget* parent = nullptr);
// A duration as a clock reads: "0:42", "12:05", "1:02:03"; "" when unknown (negative or not
// finite). For times left and times taken beside progress.
QString clockDuration(double seconds);

}  // namespace strata
