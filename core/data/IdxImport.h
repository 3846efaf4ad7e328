#pragma once
// Conversion of IDX files (MNIST, Fashion-MNIST; plain or .gz) into an image folder.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace strata {

struct IdxImportResult {
    int64_t images = 0;
    std::vector<std::string> classes;  // the classes that occur, in label order
    int64_t written = 0;                // files written; the rest were already up to date
};

// Writes OUT/<class>/<index>.png for each image (index zero-padded to 5 digits). Class names
// default to "0".."9" (or the label values present). Throws DataError naming the file for a
// bad magic number, truncated data, or mismatched image/label counts. Writes are skipped for
// files that already exist with the same content, so a second import is quick.
IdxImportResult importIdx(const std::string& imagesPath, const std::string& labelsPath,
                          const std::string& outDir, const std::vector<std::string>& classNames = {},
                          const std::function<void(int64_t, int64_t)>& progress = {});

// The same for the first `limit` images only (limit < 0: all), for quick checks on large sets.
// Only that much data is read; the headers are still checked in full.
IdxImportResult importIdx(const std::string& imagesPath, const std::string& labelsPath,
                          const std::string& outDir, const std::vector<std::string>& classNames,
                          const std::function<void(int64_t, int64_t)>& progress, int64_t limit);

}  // namespace strata
