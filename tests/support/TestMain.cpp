// main() of the suite executables strata_tests_<suite>: runs the Qt Test classes that the
// suite's test files register with STRATA_TEST_MAIN and friends (TestRegistry.h).
//
//   strata_tests_<suite> <name> [qtest args...]   runs one class, e.g. `design_format -functions`
//   strata_tests_<suite> [qtest args...]          runs every class; non-zero exit if any failed
//   strata_tests_<suite> --list                   prints the names, one a line
#include "support/TestRegistry.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace strata::test {
namespace {

struct Entry {
    std::string name;
    TestCase tc;
};

std::vector<Entry>& registry() {
    static std::vector<Entry> entries;
    return entries;
}

// ".../tests/core/test_design_format.cpp" -> "design_format"
std::string nameFromFile(const char* file) {
    std::string s = file ? file : "";
    auto slash = s.find_last_of("/\\");
    if (slash != std::string::npos) s.erase(0, slash + 1);
    auto dot = s.rfind('.');
    if (dot != std::string::npos) s.resize(dot);
    if (s.rfind("test_", 0) == 0) s.erase(0, 5);
    return s;
}

}  // namespace

bool registerTestCase(const TestCase& tc) {
    registry().push_back({nameFromFile(tc.file), tc});
    return true;
}

}  // namespace strata::test

int main(int argc, char** argv) {
    using namespace strata::test;
    std::vector<Entry>& all = registry();
    std::sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    for (size_t i = 1; i < all.size(); ++i) {
        if (all[i].name == all[i - 1].name) {
            std::fprintf(stderr, "%s: two test classes registered as '%s'\n", argv[0], all[i].name.c_str());
            return 2;
        }
    }

    if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
        for (const Entry& e : all) std::printf("%s\n", e.name.c_str());
        return 0;
    }

    // A first argument that is not an option names the class; the rest go to QTest::qExec.
    std::vector<const Entry*> selected;
    int firstArg = 1;
    if (argc > 1 && argv[1][0] != '-') {
        auto it = std::find_if(all.begin(), all.end(), [&](const Entry& e) { return e.name == argv[1]; });
        if (it == all.end()) {
            std::fprintf(stderr, "%s: no test class named '%s'; --list prints the names\n", argv[0], argv[1]);
            return 2;
        }
        selected.push_back(&*it);
        firstArg = 2;
    } else {
        for (const Entry& e : all) selected.push_back(&e);
    }

    // argv[0] and the qtest arguments; the application object removes its own options
    // (-platform ...) from these before qExec sees them, as under QTEST_MAIN.
    std::vector<char*> args{argv[0]};
    for (int i = firstArg; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    int qargc = int(args.size()) - 1;

    for (const Entry* e : selected)
        if (e->tc.initMain) e->tc.initMain();

    // One application object for the run: the strongest kind any selected class needs.
    const Entry* appOwner = nullptr;
    for (const Entry* e : selected)
        if (e->tc.app != AppKind::None && (!appOwner || e->tc.app > appOwner->tc.app)) appOwner = e;
    std::unique_ptr<QCoreApplication> app;
    if (appOwner) app = appOwner->tc.makeApp(qargc, args.data());

    std::vector<std::string> failed;
    int lastRc = 0;
    for (const Entry* e : selected) {
        QTest::setMainSourcePath(e->tc.file, e->tc.builddir);
        std::unique_ptr<QObject> test(e->tc.make());
        lastRc = QTest::qExec(test.get(), qargc, args.data());
        test.reset();
        if (lastRc != 0) failed.push_back(e->name);
    }
    if (selected.size() == 1) return lastRc;

    if (!failed.empty()) {
        std::string names;
        for (const std::string& n : failed) names += (names.empty() ? "" : ", ") + n;
        std::fprintf(stderr, "%s: %zu of %zu test classes failed: %s\n", argv[0], failed.size(),
                     selected.size(), names.c_str());
        return 1;
    }
    return 0;
}
