#include "runs/OutputFolders.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace strata {

namespace {

namespace fs = std::filesystem;

std::string homeFolder() {
    const char* home = std::getenv("HOME");
    if (home && *home) return home;
    const passwd* user = getpwuid(getuid());
    return user && user->pw_dir ? user->pw_dir : "/";
}

}  // namespace

std::string localTimestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);  // the studio's worker threads may ask at the same time
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    return stamp;
}

std::string userDataFolder() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    // The XDG base directory spec says a relative value is invalid and must be ignored.
    const fs::path dataHome = xdg && *xdg && fs::path(xdg).is_absolute() ? fs::path(xdg) : fs::path(homeFolder()) / ".local/share";
    return (dataHome / "strata").lexically_normal().string();
}

std::string designOutputFolder(const std::string& designPath) {
    if (designPath.empty()) return userDataFolder();
    std::error_code ec;
    const fs::path folder = fs::absolute(designPath, ec).parent_path();
    const fs::path canonical = fs::canonical(folder, ec);
    const std::string dir = (ec ? folder.lexically_normal() : canonical).string();
    const std::string slashed = dir + "/";
    const bool installedTemplate = slashed.find("/share/strata/templates/") != std::string::npos ||
                                   slashed.find("/resources/templates/") != std::string::npos;
    if (installedTemplate || !fs::is_directory(dir, ec) || ::access(dir.c_str(), W_OK) != 0) return userDataFolder();
    return dir;
}

std::string defaultRunsFolder(const std::string& designPath) { return designOutputFolder(designPath) + "/runs"; }

}  // namespace strata
