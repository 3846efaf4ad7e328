#pragma once
// Failed QCOMPARE of two std::string values prints both values (QtTest knows only QString).
#include <QtTest>

#include <string>

namespace QTest {
template <>
inline char* toString(const std::string& s) {
    return qstrdup(s.c_str());
}
}  // namespace QTest
