#include "support/RunFixtures.h"

#include "design/CheckpointLayout.h"
#include "support/TestData.h"

namespace strata::test {

namespace {

NamedArray expectedToArray(const ExpectedArray& e, int seed) {
    NamedArray a;
    a.name = e.name;
    a.shape = e.shape;
    int64_t n = 1;
    for (int64_t d : e.shape) n *= d;
    if (e.integer) {
        a.type = NamedArray::Type::Int64;
        a.i64.assign(size_t(n), 5);
    } else {
        for (int64_t i = 0; i < n; ++i) a.f32.push_back(float((i * 7 + seed) % 13) * 0.01f - 0.06f);
    }
    return a;
}

NamedArray bytes(const std::string& name, size_t n) {
    NamedArray a;
    a.name = name;
    a.type = NamedArray::Type::UInt8;
    a.shape = {int64_t(n)};
    for (size_t i = 0; i < n; ++i) a.u8.push_back(uint8_t(i * 31 + 7));
    return a;
}

}  // namespace

RunData validRunData(const QByteArray& designJson, const QStringList& classes) {
    RunData run;
    run.designJson = designJson.toStdString();
    std::vector<std::string> names;
    for (const QString& c : classes) names.push_back(c.toStdString());
    const DesignAnalysis analysis = analyzeDesign(parseDesign(run.designJson), int(names.size()));
    if (!analysis.valid()) throw std::invalid_argument("validRunData: " + analysis.issues.front().text());
    const int64_t channels = analysis.nodes.front().output.at(0);
    run.config = {{"classes", names},
                  {"mean", std::vector<double>(size_t(channels), 0.25)},
                  {"std", std::vector<double>(size_t(channels), 0.5)},
                  {"epochs", 2},
                  {"seed", 1}};
    run.epochColumns = {"epoch", "train_loss", "train_accuracy"};
    run.epochMetrics = {{"epoch", {1, 2}}, {"train_loss", {1.2, 0.9}}, {"train_accuracy", {0.5, 0.7}}};
    run.steps = {1, 2, 3};
    run.stepLoss = {1.5, 1.1, 0.8};
    int seed = 0;
    for (const ExpectedArray& e : checkpointLayout(analysis)) run.checkpoint.push_back(expectedToArray(e, seed++));
    run.optimizer = {bytes("state", 64), bytes("rng", 16)};
    run.epoch = 2;
    run.step = 3;
    return run;
}

QString writeValidRun(const QString& path) {
    writeRunFile(path.toStdString(), validRunData(tinyCnnDesign()));
    return path;
}

}  // namespace strata::test
