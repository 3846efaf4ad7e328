#include "insight/Pictures.h"

#include <algorithm>

namespace strata {

Picture mapPicture(const torch::Tensor& map) {
    torch::Tensor m = map.detach().to(torch::kFloat32).contiguous();
    Picture p;
    p.height = int(m.size(0));
    p.width = int(m.size(1));
    p.channels = 1;
    const float lo = m.min().item<float>(), hi = m.max().item<float>();
    torch::Tensor scaled = hi > lo ? (m - lo) * (255.0f / (hi - lo)) : torch::full_like(m, hi > 0 ? 128.0f : 0.0f);
    torch::Tensor u8 = scaled.round().clamp(0, 255).to(torch::kUInt8).contiguous();
    p.pixels.assign(u8.data_ptr<uint8_t>(), u8.data_ptr<uint8_t>() + u8.numel());
    return p;
}

Picture imagePicture(const torch::Tensor& chw) {
    torch::Tensor hwc = chw.to(torch::kUInt8).permute({1, 2, 0}).contiguous();
    Picture p;
    p.height = int(hwc.size(0));
    p.width = int(hwc.size(1));
    p.channels = int(hwc.size(2));
    p.pixels.assign(hwc.data_ptr<uint8_t>(), hwc.data_ptr<uint8_t>() + hwc.numel());
    return p;
}

Picture cropPicture(const Picture& image, const CropBox& box) {
    Picture p;
    p.width = box.width;
    p.height = box.height;
    p.channels = image.channels;
    p.pixels.resize(size_t(box.width) * box.height * image.channels);
    for (int y = 0; y < box.height; ++y) {
        const uint8_t* from = image.pixels.data() + (size_t(box.y + y) * image.width + box.x) * image.channels;
        std::copy(from, from + size_t(box.width) * image.channels,
                  p.pixels.begin() + ptrdiff_t(size_t(y) * box.width * image.channels));
    }
    return p;
}

Picture toRgb(const Picture& image) {
    if (image.channels == 3) return image;
    Picture p = image;
    p.channels = 3;
    p.pixels.resize(image.pixels.size() * 3);
    for (size_t i = 0; i < image.pixels.size(); ++i) p.pixels[3 * i] = p.pixels[3 * i + 1] = p.pixels[3 * i + 2] = image.pixels[i];
    return p;
}

Picture heatOverlay(const Picture& image, const Picture& heat) {
    Picture p = toRgb(image);
    for (size_t i = 0; i < heat.pixels.size() && 3 * i + 2 < p.pixels.size(); ++i) {
        const float h = heat.pixels[i] / 255.0f;
        // "hot": black -> red -> yellow -> white as the heat rises.
        const float colour[3] = {std::min(1.0f, 3 * h), std::clamp(3 * h - 1, 0.0f, 1.0f), std::clamp(3 * h - 2, 0.0f, 1.0f)};
        const float alpha = 0.7f * h;  // where the network did not look, the image as it is
        for (int c = 0; c < 3; ++c) {
            const float v = (1 - alpha) * p.pixels[3 * i + c] + alpha * 255.0f * colour[c];
            p.pixels[3 * i + c] = uint8_t(std::clamp(v + 0.5f, 0.0f, 255.0f));
        }
    }
    return p;
}

Picture scaledUp(const Picture& image, int factor) {
    if (factor <= 1) return image;
    Picture p;
    p.width = image.width * factor;
    p.height = image.height * factor;
    p.channels = image.channels;
    p.pixels.resize(size_t(p.width) * p.height * p.channels);
    for (int y = 0; y < p.height; ++y)
        for (int x = 0; x < p.width; ++x)
            for (int c = 0; c < p.channels; ++c)
                p.pixels[(size_t(y) * p.width + x) * p.channels + c] =
                    image.pixels[(size_t(y / factor) * image.width + x / factor) * image.channels + c];
    return p;
}

}  // namespace strata
