#include "data/FileMoves.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <vector>

#include "data/ImageFolder.h"

namespace fs = std::filesystem;

namespace strata {

namespace {

struct FileStamp {
    int64_t size = -1, mtimeNs = -1;
};

FileStamp stampOf(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return {};
    return {int64_t(st.st_size), int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

// A fresh log name: the time to the microsecond, so two moves never share a file by accident.
std::string newLogPath() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &utc);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    const fs::path dir = movesDirectory();
    fs::create_directories(dir);
    return (dir / (std::string(buf) + "-" + std::to_string(micros) + ".json")).string();
}

struct Move {
    fs::path from, to;
    FileStamp stamp;
};

std::vector<Move> readLog(const std::string& log) {
    std::ifstream in(log);
    if (!in) throw DataError(log + ": cannot read the move log");
    std::vector<Move> moves;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        try {
            const nlohmann::json j = nlohmann::json::parse(line);
            moves.push_back({j.at("from").get<std::string>(), j.at("to").get<std::string>(),
                             {j.at("size").get<int64_t>(), j.at("mtime_ns").get<int64_t>()}});
        } catch (const nlohmann::json::exception&) {
            throw DataError(log + ": line " + std::to_string(n) + " is not a move");
        }
    }
    return moves;
}

}  // namespace

std::string movesDirectory() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/') return (fs::path(xdg) / "strata" / "moves").string();
    const char* home = std::getenv("HOME");
    if (home && *home) return (fs::path(home) / ".local" / "share" / "strata" / "moves").string();
    throw DataError("cannot log moves: neither XDG_DATA_HOME nor HOME is set");
}

std::string moveToClass(const std::string& file, const std::string& className, std::string log) {
    const fs::path from = fs::absolute(file).lexically_normal();
    if (!fs::is_regular_file(from)) throw DataError(file + ": no such file");
    const fs::path data = from.parent_path().parent_path();
    const fs::path targetFolder = data / className;
    if (className.empty() || className.find('/') != std::string::npos || !fs::is_directory(targetFolder))
        throw DataError(className + ": not a class folder of " + data.string());
    const fs::path to = targetFolder / from.filename();
    if (fs::exists(to)) throw DataError(to.string() + ": exists; refusing to move " + file + " onto it");
    if (to == from) throw DataError(file + " is already in class " + className);
    if (log.empty()) log = newLogPath();
    const FileStamp stamp = stampOf(from);
    fs::rename(from, to);
    std::ofstream out(log, std::ios::app);
    out << nlohmann::json{{"from", from.string()}, {"to", to.string()}, {"size", stamp.size}, {"mtime_ns", stamp.mtimeNs}}.dump()
        << "\n";
    if (!out) throw DataError(log + ": moved " + file + " to " + to.string() + " but cannot write the log");
    return log;
}

int undoMoves(const std::string& log) {
    const std::vector<Move> moves = readLog(log);
    for (const Move& m : moves) {
        const FileStamp now = stampOf(m.to);
        if (now.size < 0) throw DataError(m.to.string() + ": gone (moved again?); nothing was undone");
        if (now.size != m.stamp.size || now.mtimeNs != m.stamp.mtimeNs)
            throw DataError(m.to.string() + ": changed since it was moved; nothing was undone");
        if (fs::exists(m.from)) throw DataError(m.from.string() + ": exists again; nothing was undone");
    }
    for (auto it = moves.rbegin(); it != moves.rend(); ++it) fs::rename(it->to, it->from);
    return int(moves.size());
}

}  // namespace strata
