#pragma once
// Sizes, colours and fonts of the canvas, in one place. Scene units are pixels at 100 % zoom.
// A node's design position (`pos` in the file) is the top-left corner of its card.
#include <QColor>
#include <QFont>
#include <QString>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace strata::canvas {

inline constexpr qreal kGrid = 20.0;          // snap step when a move ends; dot grid spacing
inline constexpr qreal kCardWidth = 180.0;
inline constexpr qreal kCardHeight = 80.0;  // header and three lines: params, shape and size, cost
inline constexpr qreal kCardRadius = 7.0;
inline constexpr qreal kAccentWidth = 5.0;    // group colour bar on the card's left edge
inline constexpr qreal kPortRadius = 5.0;     // drawn radius
inline constexpr qreal kPortHitRadius = 10.0; // radius that catches the mouse
inline constexpr qreal kEdgeHitWidth = 12.0;  // an edge catches clicks and drops this wide
inline constexpr qreal kDetailZoom = 0.5;  // below this zoom cards show only id and type
inline constexpr qreal kMinZoom = 0.2;
inline constexpr qreal kMaxZoom = 3.0;

// The accent colour of a palette group ("Convolution", "Dense", ...); grey for unknown ones.
// The palette may use it too, so a layer looks the same in both places.
inline QColor groupColor(const QString& group) {
    if (group == QLatin1String("Input/Output")) return QColor(0x47, 0x55, 0x69);
    if (group == QLatin1String("Convolution")) return QColor(0x25, 0x63, 0xeb);
    if (group == QLatin1String("Dense")) return QColor(0x93, 0x33, 0xea);
    if (group == QLatin1String("Activations")) return QColor(0xd9, 0x77, 0x06);
    if (group == QLatin1String("Normalization")) return QColor(0x05, 0x96, 0x69);
    if (group == QLatin1String("Pooling")) return QColor(0x08, 0x91, 0xb2);
    if (group == QLatin1String("Regularization")) return QColor(0xdb, 0x27, 0x77);
    if (group == QLatin1String("Merge")) return QColor(0x4f, 0x46, 0xe5);
    if (group == QLatin1String("Reshape")) return QColor(0x78, 0x71, 0x6c);
    if (group == QLatin1String("Transformer")) return QColor(0x0d, 0x94, 0x88);
    return QColor(0x6b, 0x72, 0x80);
}

// Colours shared by the items.
inline QColor cardFill() { return QColor(0xff, 0xff, 0xff); }
inline QColor cardBorder() { return QColor(0xcb, 0xd2, 0xdb); }
inline QColor selectionColor() { return QColor(0x25, 0x63, 0xeb); }
inline QColor errorColor() { return QColor(0xdc, 0x26, 0x26); }
inline QColor textColor() { return QColor(0x1f, 0x29, 0x37); }
inline QColor mutedTextColor() { return QColor(0x6b, 0x72, 0x80); }
inline QColor edgeColor() { return QColor(0x94, 0xa3, 0xb8); }
inline QColor backgroundColor() { return QColor(0xf4, 0xf6, 0xf9); }
inline QColor gridDotColor() { return QColor(0xcf, 0xd5, 0xdd); }

// The cost overlay's scale for a share in [0, 1]: ColorBrewer's sequential Oranges, light to
// dark, one hue changing in lightness, so it reads the same with any colour vision. Its
// darkest step is left out (dark text stays readable on all but the top two steps). The
// share goes through a square root: a node with 5 % of the total is already visibly tinted,
// while the dominant ones get the dark end.
inline QColor costTintColor(double share) {
    static const QColor steps[] = {QColor(0xff, 0xf5, 0xeb), QColor(0xfe, 0xe6, 0xce), QColor(0xfd, 0xd0, 0xa2),
                                   QColor(0xfd, 0xae, 0x6b), QColor(0xfd, 0x8d, 0x3c), QColor(0xf1, 0x69, 0x13),
                                   QColor(0xd9, 0x48, 0x01), QColor(0xa6, 0x36, 0x03)};
    constexpr int last = int(std::size(steps)) - 1;
    const double t = std::sqrt(std::clamp(share, 0.0, 1.0)) * last;
    const int i = std::min(int(t), last - 1);
    const double f = t - i;
    auto mix = [f](float a, float b) { return float(a + (b - a) * f); };
    const QColor &a = steps[i], &b = steps[i + 1];
    return QColor::fromRgbF(mix(a.redF(), b.redF()), mix(a.greenF(), b.greenF()), mix(a.blueF(), b.blueF()));
}

// A font of `pixelSize` pixels; `fixed` picks the system's monospace font (shapes).
inline QFont canvasFont(int pixelSize, bool bold = false, bool fixed = false) {
    QFont f = fixed ? QFont(QStringLiteral("DejaVu Sans Mono")) : QFont();
    if (fixed) f.setStyleHint(QFont::Monospace);
    f.setPixelSize(pixelSize);
    f.setBold(bold);
    return f;
}

}  // namespace strata::canvas
