#pragma once
// Registers a Qt Test class with its suite's executable (strata_tests_<suite>), in place of
// QTEST_MAIN. At the end of tests/<suite>/test_<name>.cpp write
//
//   #include "support/TestRegistry.h"
//   STRATA_TEST_MAIN(MyTest)            // was QTEST_MAIN(MyTest)
//   #include "test_<name>.moc"
//
// STRATA_TEST_GUILESS_MAIN and STRATA_TEST_APPLESS_MAIN replace QTEST_GUILESS_MAIN and
// QTEST_APPLESS_MAIN. The class is registered under <name>, taken from the file name
// (test_design_format.cpp -> "design_format"), which is also the ctest name <suite>.<name>.
// The application object is the one the Qt macro would make: STRATA_TEST_MAIN makes a
// QApplication where the file is built with Qt Widgets, else a QGuiApplication where built
// with Qt Gui, else a QCoreApplication; GUILESS a QCoreApplication; APPLESS none.
//
// `strata_tests_<suite> <name> [qtest args...]` runs one class; with no name it runs them
// all; `--list` prints the names. See TestMain.cpp.
#include <QtTest/QtTest>

#include <memory>

#if defined(QT_WIDGETS_LIB)
#include <QtWidgets/QApplication>
#elif defined(QT_GUI_LIB)
#include <QtGui/QGuiApplication>
#endif

namespace strata::test {

// Ordered: a run of several classes makes the strongest kind any of them needs.
enum class AppKind { None = 0, Core = 1, Gui = 2, Widgets = 3 };

using AppFactory = std::unique_ptr<QCoreApplication> (*)(int& argc, char** argv);

struct TestCase {
    const char* file = nullptr;      // __FILE__ of the test: its name and QFINDTESTDATA's base
    const char* builddir = nullptr;  // QT_TESTCASE_BUILDDIR where defined
    AppKind app = AppKind::None;
    AppFactory makeApp = nullptr;    // null for AppKind::None
    void (*initMain)() = nullptr;    // the class's static initMain(), run before the app exists
    QObject* (*make)() = nullptr;    // a new instance of the test class
};

// Adds a class to this executable's list; returns true (for a static initializer).
bool registerTestCase(const TestCase& tc);

template <class App>
std::unique_ptr<QCoreApplication> makeTestApp(int& argc, char** argv) {
    auto app = std::make_unique<App>(argc, argv);
    QCoreApplication::setAttribute(Qt::AA_Use96Dpi, true);
#if defined(QT_WIDGETS_LIB) && defined(QT_KEYPAD_NAVIGATION)
    if constexpr (std::is_same_v<App, QApplication>)
        QApplication::setNavigationMode(Qt::NavigationModeNone);
#endif
    return app;
}

}  // namespace strata::test

#if defined(QT_WIDGETS_LIB)
#define STRATA_TEST_MAIN_APP_ QApplication
#define STRATA_TEST_MAIN_KIND_ ::strata::test::AppKind::Widgets
#elif defined(QT_GUI_LIB)
#define STRATA_TEST_MAIN_APP_ QGuiApplication
#define STRATA_TEST_MAIN_KIND_ ::strata::test::AppKind::Gui
#else
#define STRATA_TEST_MAIN_APP_ QCoreApplication
#define STRATA_TEST_MAIN_KIND_ ::strata::test::AppKind::Core
#endif

#ifdef QT_TESTCASE_BUILDDIR
#define STRATA_TEST_BUILDDIR_ QT_TESTCASE_BUILDDIR
#else
#define STRATA_TEST_BUILDDIR_ nullptr
#endif

#define STRATA_TEST_REGISTER_(TestObject, kind, appFactory)                                 \
    namespace {                                                                             \
    const bool strataTestRegistered_##TestObject = ::strata::test::registerTestCase({       \
        __FILE__, STRATA_TEST_BUILDDIR_, kind, appFactory,                                  \
        &QTest::Internal::callInitMain<TestObject>,                                         \
        []() -> QObject* { return new TestObject; }});                                      \
    }

#define STRATA_TEST_MAIN(TestObject)                      \
    STRATA_TEST_REGISTER_(TestObject, STRATA_TEST_MAIN_KIND_, \
                          &::strata::test::makeTestApp<STRATA_TEST_MAIN_APP_>)
#define STRATA_TEST_GUILESS_MAIN(TestObject)                            \
    STRATA_TEST_REGISTER_(TestObject, ::strata::test::AppKind::Core, \
                          &::strata::test::makeTestApp<QCoreApplication>)
#define STRATA_TEST_APPLESS_MAIN(TestObject) \
    STRATA_TEST_REGISTER_(TestObject, ::strata::test::AppKind::None, nullptr)

// The suites' precompiled headers force-include this header after <QtTest>, so a test file
// that still ends with QTEST_MAIN / QTEST_GUILESS_MAIN / QTEST_APPLESS_MAIN registers its
// class the same way instead of defining a second main(). (With precompiled headers disabled,
// such a file fails to link: convert it to the STRATA_TEST_ macros.)
#undef QTEST_MAIN
#undef QTEST_GUILESS_MAIN
#undef QTEST_APPLESS_MAIN
#define QTEST_MAIN(TestObject) STRATA_TEST_MAIN(TestObject)
#define QTEST_GUILESS_MAIN(TestObject) STRATA_TEST_GUILESS_MAIN(TestObject)
#define QTEST_APPLESS_MAIN(TestObject) STRATA_TEST_APPLESS_MAIN(TestObject)
