#pragma once
// Valid run files made without training (torch-free): a design, its checkpoint laid out by
// checkpointLayout with deterministic values, /config (classes, mean, std) and two epochs of
// metrics. What the run-reader tests and fuzzers start from and then damage.
#include <QString>
#include <QStringList>

#include "runs/RunFile.h"

namespace strata::test {

// A complete run of `designJson` (an Input of any channel count) for `classes`.
RunData validRunData(const QByteArray& designJson, const QStringList& classes = {"a", "b", "c"});
// validRunData(tinyCnnDesign()) written to `path` with writeRunFile; returns path.
QString writeValidRun(const QString& path);

}  // namespace strata::test
