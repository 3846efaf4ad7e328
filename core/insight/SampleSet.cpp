#include "insight/SampleSet.h"

#include <algorithm>

namespace strata {

namespace {

// The first `count` of a seeded permutation of `pool`, in the pool's order so results do not
// depend on the draw order.
std::vector<int64_t> drawSample(const std::vector<int64_t>& pool, int count, uint64_t seed) {
    std::vector<int64_t> order = shuffledIndices(int64_t(pool.size()), seed);
    order.resize(std::min<size_t>(order.size(), size_t(std::max(0, count))));
    std::sort(order.begin(), order.end());
    std::vector<int64_t> picked;
    for (int64_t i : order) picked.push_back(pool[size_t(i)]);
    return picked;
}

torch::Tensor perChannel(const std::vector<double>& v) {
    std::vector<float> f(v.begin(), v.end());
    return torch::tensor(f, torch::kFloat32).view({1, -1, 1, 1});
}

}  // namespace

SampleSet sampleImageFolder(const std::string& dir, const ImageSpec& spec, const std::vector<double>& mean,
                            const std::vector<double>& stdev, const std::vector<std::string>& classes, int count,
                            uint64_t seed) {
    const FolderIndex index = scanImageFolder(dir);
    if (index.classes != classes)
        throw DataError(dir + ": classes differ from the " + std::to_string(classes.size()) +
                        " classes the run was trained on");
    std::vector<int64_t> all(index.entries.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = int64_t(i);
    DecodedImages decoded;
    decoded.spec = spec;
    decoded.classes = index.classes;
    std::vector<uint8_t> buf;
    for (int64_t i : drawSample(all, count, seed)) {
        const FolderEntry& e = index.entries[size_t(i)];
        if (!decodeImage(e.path, spec, buf)) continue;
        decoded.pixels.insert(decoded.pixels.end(), buf.begin(), buf.end());
        decoded.labels.push_back(e.label);
        decoded.paths.push_back(e.path);
    }
    if (decoded.count() == 0) throw DataError(dir + ": no readable images to sample");
    BatchSource source(decoded, mean, stdev);
    std::vector<int64_t> every(size_t(decoded.count()));
    for (size_t i = 0; i < every.size(); ++i) every[i] = int64_t(i);
    SampleSet s;
    s.pixels = torch::from_blob(decoded.pixels.data(), {decoded.count(), spec.channels, spec.height, spec.width},
                                torch::kUInt8)
                   .clone();
    s.images = source.images(every);
    s.labels = source.labelsOf(every);
    s.paths = std::move(decoded.paths);
    return s;
}

SampleSet sampleBatchSource(const BatchSource& source, const std::vector<int64_t>& pool,
                            const std::vector<std::string>& paths, const std::vector<double>& mean,
                            const std::vector<double>& stdev, int count, uint64_t seed) {
    const std::vector<int64_t> picked = drawSample(pool, count, seed);
    SampleSet s;
    if (picked.empty()) return s;
    s.images = source.images(picked);
    s.labels = source.labelsOf(picked);
    // The source keeps only normalized batches at hand: undo the normalization for the crops
    // (exact up to rounding).
    s.pixels = (s.images * perChannel(stdev) + perChannel(mean)).mul(255.0f).round().clamp(0, 255).to(torch::kUInt8);
    for (int64_t i : picked) s.paths.push_back(size_t(i) < paths.size() ? paths[size_t(i)] : std::string());
    return s;
}

void loadProbeImage(const std::string& path, const ImageSpec& spec, const std::vector<double>& mean,
                    const std::vector<double>& stdev, torch::Tensor& normalized, torch::Tensor& pixels) {
    std::vector<uint8_t> buf;
    std::string why;
    if (!decodeImage(path, spec, buf, &why)) throw DataError(path + ": " + why);
    DecodedImages one;
    one.spec = spec;
    BatchSource source(one, mean, stdev);
    normalized = source.single(buf);
    pixels = torch::from_blob(buf.data(), {spec.channels, spec.height, spec.width}, torch::kUInt8).clone();
}

}  // namespace strata
