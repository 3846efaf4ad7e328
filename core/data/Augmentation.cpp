#include "data/Augmentation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace strata {

namespace {

double uniform01(std::mt19937_64& rng) { return double(rng() >> 11) * (1.0 / 9007199254740992.0); }
double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

// As torchvision's RandomErasing.get_params: up to 10 tries for a rectangle that fits.
void drawErasing(AugmentDraw& d, int height, int width, std::mt19937_64& rng) {
    if (uniform01(rng) >= 0.5) return;
    const double area = double(height) * double(width);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double target = area * uniform(rng, 0.02, 0.33);
        const double ratio = std::exp(uniform(rng, std::log(0.3), std::log(3.3)));
        const int h = int(std::lround(std::sqrt(target * ratio)));
        const int w = int(std::lround(std::sqrt(target / ratio)));
        if (h < 1 || w < 1 || h >= height || w >= width) continue;
        d.eraseHeight = h;
        d.eraseWidth = w;
        d.eraseTop = int(rng() % uint64_t(height - h + 1));
        d.eraseLeft = int(rng() % uint64_t(width - w + 1));
        return;
    }
}

}  // namespace

Augment parseAugment(const std::string& text) {
    Augment a;
    if (text == "none") return a;
    const char* const known = " (use none or a +-joined set of flip, crop, rotate, jitter, erase)";
    size_t start = 0;
    while (true) {
        const size_t plus = text.find('+', start);
        const std::string name = text.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
        bool* flag = name == "flip"     ? &a.flip
                     : name == "crop"   ? &a.crop
                     : name == "rotate" ? &a.rotate
                     : name == "jitter" ? &a.jitter
                     : name == "erase"  ? &a.erase
                                        : nullptr;
        if (!flag) throw std::invalid_argument("--augment: unknown augmentation \"" + name + "\"" + known);
        if (*flag) throw std::invalid_argument("--augment: \"" + name + "\" is named twice");
        *flag = true;
        if (plus == std::string::npos) return a;
        start = plus + 1;
    }
}

std::string augmentName(const Augment& a) {
    std::string s;
    auto add = [&s](bool on, const char* name) {
        if (on) s += (s.empty() ? "" : "+") + std::string(name);
    };
    add(a.flip, "flip");
    add(a.crop, "crop");
    add(a.rotate, "rotate");
    add(a.jitter, "jitter");
    add(a.erase, "erase");
    return s.empty() ? "none" : s;
}

AugmentDraw drawAugment(const Augment& a, int height, int width, std::mt19937_64& rng) {
    AugmentDraw d;
    if (a.crop) {
        d.pad = std::max(1, std::min(height, width) / 8);
        d.dy = int(rng() % uint64_t(2 * d.pad + 1));
        d.dx = int(rng() % uint64_t(2 * d.pad + 1));
    }
    if (a.flip) d.flip = rng() & 1;
    if (a.rotate) d.angle = uniform(rng, -kMaxRotationDegrees, kMaxRotationDegrees);
    if (a.jitter) {
        d.brightness = uniform(rng, 1 - kJitter, 1 + kJitter);
        d.contrast = uniform(rng, 1 - kJitter, 1 + kJitter);
    }
    if (a.erase) drawErasing(d, height, width, rng);
    return d;
}

// Output pixel -> rotated back about the centre (nearest pixel) -> flipped and cropped.
void sourcePixels(const AugmentDraw& d, int height, int width, std::vector<int32_t>& out) {
    out.resize(size_t(height) * size_t(width));
    const double radians = d.angle * M_PI / 180.0;
    const double c = std::cos(radians), s = std::sin(radians);
    const double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
    const bool rotating = d.angle != 0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            int32_t& target = out[size_t(y) * size_t(width) + size_t(x)];
            target = -1;
            if (d.eraseHeight > 0 && y >= d.eraseTop && y < d.eraseTop + d.eraseHeight && x >= d.eraseLeft &&
                x < d.eraseLeft + d.eraseWidth)
                continue;
            int ry = y, rx = x;
            if (rotating) {
                ry = int(std::floor(-s * (x - cx) + c * (y - cy) + cy + 0.5));
                rx = int(std::floor(c * (x - cx) + s * (y - cy) + cx + 0.5));
                if (ry < 0 || ry >= height || rx < 0 || rx >= width) continue;
            }
            const int sy = ry + d.dy - d.pad;
            const int sx = (d.flip ? width - 1 - rx : rx) + d.dx - d.pad;
            if (sy >= 0 && sy < height && sx >= 0 && sx < width) target = sy * width + sx;
        }
    }
}

std::array<uint8_t, 256> jitterTable(const AugmentDraw& d, const uint8_t* image, int64_t count) {
    std::array<uint8_t, 256> table{};
    if (d.brightness == 1 && d.contrast == 1) {
        for (int v = 0; v < 256; ++v) table[size_t(v)] = uint8_t(v);
        return table;
    }
    std::array<double, 256> bright{};
    for (int v = 0; v < 256; ++v) bright[size_t(v)] = std::min(255.0, v * d.brightness);
    std::array<int64_t, 256> histogram{};
    for (int64_t i = 0; i < count; ++i) ++histogram[image[i]];
    double sum = 0;
    for (int v = 0; v < 256; ++v) sum += bright[size_t(v)] * double(histogram[size_t(v)]);
    const double mean = count > 0 ? sum / double(count) : 0;
    for (int v = 0; v < 256; ++v) {
        const double j = mean + d.contrast * (bright[size_t(v)] - mean);
        table[size_t(v)] = uint8_t(std::lround(std::clamp(j, 0.0, 255.0)));
    }
    return table;
}

}  // namespace strata
