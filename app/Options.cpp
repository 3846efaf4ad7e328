#include "Options.h"

#include <cstdio>
#include <sstream>

namespace strata::cli {

OptionSpec noVerifyOption() {
    return {"--no-verify", "", "read the run file even when its digests show it damaged (results may be wrong)"};
}

Options::Options(std::string command, std::string synopsis, std::string summary, std::vector<OptionSpec> specs)
    : command_(std::move(command)), synopsis_(std::move(synopsis)), summary_(std::move(summary)), specs_(std::move(specs)) {}

bool Options::parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(help().c_str(), stdout);
            return false;
        }
        if (arg.rfind("--", 0) != 0 || arg == "--") {
            positionals_.push_back(arg);
            continue;
        }
        std::string name = arg, value;
        const bool inlineValue = arg.find('=') != std::string::npos;
        if (inlineValue) {
            name = arg.substr(0, arg.find('='));
            value = arg.substr(arg.find('=') + 1);
        }
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs_)
            if (s.name == name) spec = &s;
        if (!spec) throw UsageError("strata " + command_ + ": unknown option " + name + " (see strata " + command_ + " --help)");
        if (!spec->value.empty() && !inlineValue) {
            if (i + 1 >= args.size()) throw UsageError("strata " + command_ + ": " + name + " needs a value " + spec->value);
            value = args[++i];
        }
        values_[name] = value;
    }
    return true;
}

std::string Options::get(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

int Options::getInt(const std::string& name, int fallback) const {
    if (!has(name)) return fallback;
    const std::string v = get(name);
    try {
        size_t used = 0;
        long long n = std::stoll(v, &used);
        if (used != v.size() || n < -2147483647LL || n > 2147483647LL) throw std::out_of_range(v);
        return int(n);
    } catch (const std::exception&) {
        throw UsageError(name + ": expected an integer, got \"" + v + "\"");
    }
}

double Options::getDouble(const std::string& name, double fallback) const {
    if (!has(name)) return fallback;
    const std::string v = get(name);
    try {
        size_t used = 0;
        double d = std::stod(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return d;
    } catch (const std::exception&) {
        throw UsageError(name + ": expected a number, got \"" + v + "\"");
    }
}

std::string Options::help() const {
    std::ostringstream out;
    out << "usage: strata " << command_ << " " << synopsis_ << "\n\n" << summary_ << "\n";
    if (!specs_.empty()) out << "\noptions:\n";
    for (const auto& s : specs_) {
        std::string left = "  " + s.name + (s.value.empty() ? "" : " " + s.value);
        if (left.size() < 26) left.resize(26, ' ');
        else left += "  ";
        out << left << s.help << "\n";
    }
    out << "  --help                  show this help\n";
    return out.str();
}

std::vector<std::string> Options::getList(const std::string& name) const {
    std::vector<std::string> items;
    if (!has(name)) return items;
    const std::string text = get(name);
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        if (item.empty()) throw UsageError(name + ": empty item in \"" + text + "\"");
        items.push_back(item);
    }
    if (!text.empty() && text.back() == ',') throw UsageError(name + ": empty item in \"" + text + "\"");
    if (items.empty()) throw UsageError(name + ": give at least one item");
    return items;
}

}  // namespace strata::cli
