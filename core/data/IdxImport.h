#pragma once
// Conversion of IDX files (MNIST, Fashion-MNIST; plain or .gz) into an image folder.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace strata {

struct IdxImportResult {
    int64_t images = 0;
    std::vector<std::string> classes;
};

// Writes OUT/<class>/<index>.png for each image (index zero-padded to 5 digits). Class names
// default to "0".."9" (or the label values present). Throws DataError naming the file for a
// bad magic number, truncated data, or mismatched image/label counts. Writes are skipped for
// files that already exist with the same size, so a second import is quick.
IdxImportResult importIdx(const std::string& imagesPath, const std::string& labelsPath,
                          const std::string& outDir, const std::vector<std::string>& classNames = {},
                          const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace strata
