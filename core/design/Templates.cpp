#include "design/Templates.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace strata {

namespace {
const char* const kSuffix = ".strata.json";
}

std::string templatesDir() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("STRATA_TEMPLATES")) candidates.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back(exe.parent_path() / "../share/strata/templates");
        candidates.push_back(exe.parent_path() / "../../resources/templates");  // build/app/strata
    }
#ifdef STRATA_SOURCE_TEMPLATES
    candidates.emplace_back(STRATA_SOURCE_TEMPLATES);
#endif
    for (const auto& dir : candidates)
        if (fs::is_directory(dir, ec)) return fs::weakly_canonical(dir, ec).string();
    return "";
}

std::vector<std::string> templateNames() {
    std::vector<std::string> names;
    const std::string dir = templatesDir();
    if (dir.empty()) return names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string file = entry.path().filename().string();
        if (file.size() > std::string(kSuffix).size() && file.substr(file.size() - std::string(kSuffix).size()) == kSuffix)
            names.push_back(file.substr(0, file.size() - std::string(kSuffix).size()));
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string templatePath(const std::string& name) {
    const std::string dir = templatesDir();
    if (dir.empty()) return "";
    const fs::path p = fs::path(dir) / (name + kSuffix);
    return fs::exists(p) ? p.string() : "";
}

}  // namespace strata
