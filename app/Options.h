#pragma once
// A small parser for `strata <command> [options] [positionals]`: options are declared with
// their help so that `--help` and usage errors come from one table.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata::cli {

// Bad usage: exit 2 with `error: <message>`.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;     // "--epochs"
    std::string value;    // "N" (empty for a flag)
    std::string help;
};

// --no-verify, shared by every command that reads a run file (docs/ARCHITECTURE.md §8).
OptionSpec noVerifyOption();

class Options {
public:
    Options(std::string command, std::string synopsis, std::string summary, std::vector<OptionSpec> specs);

    // Returns false when --help was given (help already printed on stdout).
    bool parse(const std::vector<std::string>& args);

    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string get(const std::string& name, const std::string& fallback = "") const;
    int getInt(const std::string& name, int fallback) const;
    double getDouble(const std::string& name, double fallback) const;
    // A comma-separated list ("a,b,c"); empty when the option is absent. Throws UsageError
    // for an empty item.
    std::vector<std::string> getList(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    std::string help() const;

private:
    std::string command_, synopsis_, summary_;
    std::vector<OptionSpec> specs_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positionals_;
};

}  // namespace strata::cli
