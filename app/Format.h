#pragma once
// Text formatting shared by the commands: aligned tables, grouped numbers, durations.
// (The timestamp of default file names is runs/OutputFolders.h's localTimestamp.)
#include <cstdint>
#include <string>
#include <vector>

namespace strata::cli {

std::string groupedNumber(int64_t n);   // 421642 -> "421,642"
std::string duration(double seconds);   // 151 -> "2:31", 3725 -> "1:02:05"

class Table {
public:
    explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    std::string render() const;  // columns padded to their widest cell, two spaces apart

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace strata::cli
