// Param validation of one node (see ParamCheck.h). Types are strict on purpose: an Int written
// as 3.0 or "3" is refused rather than guessed, so what the file says is what torch gets.
#include "design/ParamCheck.h"

#include <cmath>
#include <cstdio>

namespace strata {
namespace {

using nlohmann::json;

std::string numberText(double v) {
    if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

bool isIntegral(double v) { return std::floor(v) == v; }

std::string choiceList(const ParamSpec& spec) {
    std::string out;
    for (size_t i = 0; i < spec.choices.size(); ++i)
        out += (i ? (i + 1 == spec.choices.size() ? " or " : ", ") : "") + ("\"" + spec.choices[i] + "\"");
    return out;
}

// Checks the JSON type of a written value; returns "" when fine, else what it must be.
std::string typeProblem(const ParamSpec& spec, const json& v) {
    switch (spec.kind) {
        case ParamKind::Int:
            return v.is_number_integer() ? "" : "must be an integer";
        case ParamKind::IntOrClasses:
            return v.is_number_integer() || v == "classes" ? "" : "must be an integer or \"classes\"";
        case ParamKind::Float:
            return v.is_number() ? "" : "must be a number";
        case ParamKind::Bool:
            return v.is_boolean() ? "" : "must be true or false";
        case ParamKind::Choice:
            for (const std::string& c : spec.choices)
                if (v == c) return "";
            return "must be one of " + choiceList(spec);
    }
    return "";
}

}  // namespace

std::string rangeText(const ParamSpec& p) {
    // An exclusive bound sits one ulp inside an integer: show the integer with ( or ).
    const double outMin = std::nextafter(p.min, -INFINITY), outMax = std::nextafter(p.max, INFINITY);
    const bool openMin = !isIntegral(p.min) && isIntegral(outMin);
    const bool openMax = !isIntegral(p.max) && isIntegral(outMax);
    return std::string(openMin ? "(" : "[") + numberText(openMin ? outMin : p.min) + ", " +
           numberText(openMax ? outMax : p.max) + (openMax ? ")" : "]");
}

bool resolveNodeParams(const Node& node, const LayerSpec& spec, int classes, ResolvedParams& out,
                       std::vector<DesignIssue>& issues) {
    bool ok = true;
    auto issue = [&](const std::string& field, const std::string& message) {
        issues.push_back({node.id, field, message});
        ok = false;
    };

    for (auto it = node.params.begin(); it != node.params.end(); ++it) {
        if (spec.findParam(it.key())) continue;
        std::string known;
        for (const ParamSpec& p : spec.params) known += (known.empty() ? "" : ", ") + p.name;
        issue(it.key(), "unknown param \"" + it.key() + "\" for " + spec.type +
                            (known.empty() ? " (" + spec.type + " takes no params)" : " (known: " + known + ")"));
    }

    out.values = json::object();
    for (const ParamSpec& p : spec.params) {
        const std::string param = "param \"" + p.name + "\" ";
        if (!node.params.contains(p.name)) {
            if (p.required())
                issue(p.name, "missing required param \"" + p.name + "\" for " + spec.type + ": " + p.help);
            else
                out.values[p.name] = p.defaultValue;
            continue;
        }
        const json& v = node.params[p.name];
        const std::string bad = typeProblem(p, v);
        if (!bad.empty()) {
            issue(p.name, param + bad + ", got " + v.dump());
            continue;
        }
        json value = v;
        if (p.kind == ParamKind::IntOrClasses && v.is_string()) value = classes;
        if (p.kind != ParamKind::Bool && p.kind != ParamKind::Choice) {
            const double d = value.get<double>();  // compare as double: huge integers stay ordered
            if (d < p.min || d > p.max) {
                const std::string shown = v.is_string() ? "\"classes\" (" + value.dump() + ")" : v.dump();
                issue(p.name, param + "is " + shown + ", must be in " + rangeText(p));
                continue;
            }
        }
        out.values[p.name] = value;
    }
    if (ok && spec.resolve) spec.resolve(out);
    return ok;
}

}  // namespace strata
