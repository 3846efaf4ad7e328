// Reading and writing design files (docs/ARCHITECTURE.md §5). Structure and field types are checked here
// so every later stage can trust the Design value; graph rules live in DesignAnalysis.cpp.
#include "design/Design.h"

#include "design/DesignGroups.h"
#include "design/DesignJsonText.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace strata {

const Node* Design::findNode(const std::string& id) const {
    for (const Node& n : nodes)
        if (n.id == id) return &n;
    return nullptr;
}

Node* Design::findNode(const std::string& id) {
    for (Node& n : nodes)
        if (n.id == id) return &n;
    return nullptr;
}

std::set<std::string> nodesDownstreamOf(const Design& design, const std::string& start) {
    std::set<std::string> seen;
    std::vector<std::string> todo{start};
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        for (const Edge& e : design.edges)
            if (e.from == id && seen.insert(e.to).second) todo.push_back(e.to);
    }
    return seen;
}

namespace {

using nlohmann::json;

// Plain-word name of a JSON value's type, for "must be a string, got number" messages.
std::string kindOf(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number";
        default: return "an unsupported value";
    }
}

[[noreturn]] void fail(const std::string& source, const std::string& where, const std::string& what) {
    throw DesignError(source + ": " + (where.empty() ? "" : where + ": ") + what);
}

// Unknown keys are errors: a typo such as "parms" would otherwise silently drop the params.
void rejectUnknownKeys(const json& obj, const std::vector<std::string>& known, const std::string& source,
                       const std::string& where) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        fail(source, where, "unknown field \"" + it.key() + "\" (known: " + list + ")");
    }
}

// nlohmann reports the byte offset of the last character it read; editors want line:column.
std::string jsonErrorLocation(const std::string& text, std::size_t byte) {
    std::size_t idx = byte == 0 ? 0 : byte - 1;  // 0-based index of the offending character
    if (idx > text.size()) idx = text.size();
    std::size_t line = 1, lineStart = 0;
    for (std::size_t i = 0; i < idx; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return std::to_string(line) + ":" + std::to_string(idx - lineStart + 1);
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 5: why";
// keep only "why", since the location is printed in the FILE:LINE:COL prefix.
std::string jsonErrorReason(const std::string& what) {
    std::size_t col = what.find("column ");
    std::size_t colon = col == std::string::npos ? std::string::npos : what.find(": ", col);
    if (colon != std::string::npos) return what.substr(colon + 2);
    std::size_t tag = what.find("] ");  // other errors: drop the "[json.exception...]" tag only
    return tag == std::string::npos ? what : what.substr(tag + 2);
}

Node parseNode(const json& j, std::size_t index, const std::string& source) {
    std::string where = "nodes[" + std::to_string(index) + "]";
    if (!j.is_object()) fail(source, where, "must be an object, got " + kindOf(j));
    Node n;
    if (!j.contains("id")) fail(source, where, "missing field \"id\"");
    if (!j["id"].is_string()) fail(source, where, "field \"id\" must be a string, got " + kindOf(j["id"]));
    n.id = j["id"].get<std::string>();
    where += " (\"" + n.id + "\")";
    rejectUnknownKeys(j, {"id", "type", "params", "pos"}, source, where);
    if (!j.contains("type")) fail(source, where, "missing field \"type\"");
    if (!j["type"].is_string()) fail(source, where, "field \"type\" must be a string, got " + kindOf(j["type"]));
    n.type = j["type"].get<std::string>();
    if (j.contains("params")) {
        if (!j["params"].is_object())
            fail(source, where, "field \"params\" must be an object, got " + kindOf(j["params"]));
        n.params = j["params"];
    }
    if (j.contains("pos")) {
        const json& p = j["pos"];
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            fail(source, where, "field \"pos\" must be an array of two numbers [x, y]");
        n.hasPos = true;
        n.x = p[0].get<double>();
        n.y = p[1].get<double>();
    }
    return n;
}

Edge parseEdge(const json& j, std::size_t index, const std::string& source) {
    std::string where = "edges[" + std::to_string(index) + "]";
    if (!j.is_object()) fail(source, where, "must be an object, got " + kindOf(j));
    rejectUnknownKeys(j, {"from", "to", "port"}, source, where);
    Edge e;
    for (const char* key : {"from", "to"}) {
        if (!j.contains(key)) fail(source, where, std::string("missing field \"") + key + "\"");
        if (!j[key].is_string())
            fail(source, where, std::string("field \"") + key + "\" must be a string, got " + kindOf(j[key]));
    }
    e.from = j["from"].get<std::string>();
    e.to = j["to"].get<std::string>();
    if (j.contains("port")) {
        const json& p = j["port"];
        // A port is a small slot index; anything else is a mistake, not something to round.
        if (!p.is_number_integer() || p.get<double>() < 0 || p.get<double>() > 1e6)
            fail(source, where, "field \"port\" must be an integer >= 0, got " + p.dump());
        e.port = p.get<int>();
    }
    return e;
}

// Integral positions are written as integers so hand-written files stay as they were.
json number(double v) {
    if (std::floor(v) == v && std::fabs(v) < 1e15) return json(static_cast<int64_t>(v));
    return json(v);
}

// Deepest nesting of arrays/objects a design may have. Real designs need 4 (root, nodes, node,
// params); the limit only exists because nlohmann parses deep input fine but copies and dumps
// values recursively: a hand-edited or fuzzed file with ~100000 nested brackets in a param would
// overflow the stack (a crash) when the params are copied or echoed in a message.
constexpr int kMaxNesting = 64;

// Byte offset (1-based, like nlohmann's) of the bracket that goes deeper than kMaxNesting, or 0.
// Brackets inside strings do not count; the text need not be valid JSON (the parser judges that).
std::size_t tooDeepAt(const std::string& text) {
    int depth = 0;
    bool inString = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxNesting) return i + 1;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return 0;
}

}  // namespace

Design parseDesign(const std::string& text, const std::string& source) {
    if (const std::size_t at = tooDeepAt(text))
        throw DesignError(source + ":" + jsonErrorLocation(text, at) + ": invalid design: nested deeper than " +
                          std::to_string(kMaxNesting) + " levels");
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error& e) {
        throw DesignError(source + ":" + jsonErrorLocation(text, e.byte) + ": invalid JSON: " +
                          jsonErrorReason(e.what()));
    } catch (const json::exception& e) {  // e.g. a number too large for a double: no position given
        throw DesignError(source + ": invalid JSON: " + jsonErrorReason(e.what()));
    }
    if (!root.is_object()) fail(source, "", "a design must be a JSON object, got " + kindOf(root));
    if (!root.contains("format"))
        fail(source, "", std::string("missing field \"format\"; this Strata reads \"") + kDesignFormat + "\"");
    if (root["format"] != kDesignFormat)
        fail(source, "", "unsupported format " + root["format"].dump() + "; this Strata reads \"" +
                             kDesignFormat + "\"");
    // Only after the format check: a newer format may well have fields this one does not know.
    rejectUnknownKeys(root, {"format", "name", "nodes", "edges", "groups"}, source, "");

    Design d;
    if (root.contains("name")) {
        if (!root["name"].is_string())
            fail(source, "", "field \"name\" must be a string, got " + kindOf(root["name"]));
        d.name = root["name"].get<std::string>();
    }
    if (!root.contains("nodes")) fail(source, "", "missing field \"nodes\"");
    if (!root["nodes"].is_array())
        fail(source, "", "field \"nodes\" must be an array, got " + kindOf(root["nodes"]));
    for (std::size_t i = 0; i < root["nodes"].size(); ++i) d.nodes.push_back(parseNode(root["nodes"][i], i, source));

    if (root.contains("edges")) {
        if (!root["edges"].is_array())
            fail(source, "", "field \"edges\" must be an array, got " + kindOf(root["edges"]));
        for (std::size_t i = 0; i < root["edges"].size(); ++i)
            d.edges.push_back(parseEdge(root["edges"][i], i, source));
    } else {
        // The short form of §2: a plain chain in list order, made explicit so nothing downstream
        // has to know the file was written without edges.
        for (std::size_t i = 1; i < d.nodes.size(); ++i) d.edges.push_back({d.nodes[i - 1].id, d.nodes[i].id, 0});
    }
    // Blocks of the editor; versions before them reject the field as unknown (above).
    if (root.contains("groups")) d.groups = parseGroups(root["groups"], d, source);
    return d;
}

Design loadDesign(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw DesignError(path + ": cannot read: is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DesignError(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw DesignError(path + ": cannot read: " + std::strerror(errno));
    Design d = parseDesign(text.str(), path);
    if (d.name.empty()) {
        // Run files and window titles are named after the design: fall back to the file name.
        std::string stem = std::filesystem::path(path).filename().string();
        for (const char* suffix : {".strata.json", ".json"}) {
            const std::string sfx = suffix;
            if (stem.size() > sfx.size() && stem.compare(stem.size() - sfx.size(), sfx.size(), sfx) == 0) {
                stem.resize(stem.size() - sfx.size());
                break;
            }
        }
        d.name = stem;
    }
    return d;
}

nlohmann::json designToJson(const Design& design) {
    json nodes = json::array();
    for (const Node& n : design.nodes) {
        json j = {{"id", n.id}, {"type", n.type}};
        if (!n.params.empty()) j["params"] = n.params;
        if (n.hasPos) j["pos"] = json::array({number(n.x), number(n.y)});
        nodes.push_back(std::move(j));
    }
    json edges = json::array();
    for (const Edge& e : design.edges) {
        json j = {{"from", e.from}, {"to", e.to}};
        if (e.port != 0) j["port"] = e.port;  // 0 is the default of §2
        edges.push_back(std::move(j));
    }
    json out = {{"format", kDesignFormat}, {"name", design.name}, {"nodes", nodes}, {"edges", edges}};
    if (!design.groups.empty()) out["groups"] = groupsToJson(design.groups);  // files without blocks stay as they were
    return out;
}

std::string designToString(const Design& design) { return designJsonText(designToJson(design)); }

void saveDesign(const Design& design, const std::string& path) {
    // Temp file beside the target (same filesystem, so rename is atomic); the pid keeps two
    // processes saving the same design from clobbering each other's temp file.
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const std::string text = designToString(design);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw DesignError(path + ": cannot write: " + std::strerror(errno));
        out << text;
        out.flush();
        out.close();  // close() can still fail (full disk): check after it
        if (!out) {
            int err = errno;
            std::remove(tmp.c_str());
            throw DesignError(path + ": cannot write: " + std::strerror(err));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        std::remove(tmp.c_str());
        throw DesignError(path + ": cannot write: " + std::strerror(err));
    }
}

}  // namespace strata
