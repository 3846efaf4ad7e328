// What verifying a run file costs (issue 22: under 50 ms for a reference-CNN run): the plain
// structural read (readRunFile) against the validated read without digests (readValidRun,
// --no-verify) and with them, for the whole run (predict, eval, export, opening a run) and for
// the summary (`strata runs`, the runs panel), with the digests of each part timed apart;
// then `strata predict` end to end with and without --no-verify.
//
//   build/tests/bench_run_verify [RUN.h5] [REPETITIONS=21]
//
// Without RUN.h5 it writes a reference-CNN-sized run (421,642 parameters, 10 classes) from
// the fixtures, with an optimizer state the size of Adam's (two moments per parameter) and
// no feature snapshot. Medians of REPETITIONS runs, page cache warm. Not part of ctest.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <vector>

#include "design/Templates.h"
#include "runs/RunDigest.h"
#include "runs/RunReader.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"

using namespace strata;

namespace {

double medianMs(int repetitions, const std::function<void()>& f) {
    std::vector<double> ms;
    for (int i = 0; i < repetitions; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// A reference-CNN run as the command line trains it: the fixture's weights, and an optimizer
// state blob the size of Adam's moments (what a digest of /optimizer has to read).
QString writeReferenceRun(const QString& path) {
    QFile design(QString::fromStdString(templatePath("reference-cnn")));
    if (!design.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "reference-cnn template not found (set STRATA_TEMPLATES)\n");
        std::exit(2);
    }
    QStringList classes;
    for (int i = 0; i < 10; ++i) classes << QString("class%1").arg(i);
    RunData run = test::validRunData(design.readAll(), classes);
    size_t parameters = 0;
    for (const NamedArray& a : run.checkpoint) parameters += a.f32.size();
    NamedArray& state = run.optimizer.front();
    state.u8.resize(2 * parameters * sizeof(float) + 4096, 7);
    state.shape = {int64_t(state.u8.size())};
    writeRunFile(path.toStdString(), run);
    return path;
}

// `strata predict RUN IMAGE [extra]`, which must succeed; its wall time in ms.
double predictOnce(const QString& strata, const QString& run, const QString& image, const QStringList& extra) {
    QProcess p;
    QElapsedTimer timer;
    timer.start();
    p.start(strata, QStringList{"predict", run, image} + extra);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        std::fprintf(stderr, "%s predict failed (exit %d): %s%s\n", qPrintable(strata), p.exitCode(),
                     p.readAllStandardError().constData(), qPrintable(p.errorString()));
        std::exit(1);
    }
    return double(timer.nsecsElapsed()) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString run = argc > 1 ? QString(argv[1]) : writeReferenceRun(tmp.filePath("reference-cnn.h5"));
    const int reps = std::max(1, argc > 2 ? std::atoi(argv[2]) : 21);
    const std::string path = run.toStdString();

    const RunData data = readRunFile(path);
    size_t weights = 0;
    for (const NamedArray& a : data.checkpoint) weights += a.f32.size();
    size_t optimizerBytes = 0;
    for (const NamedArray& a : data.optimizer) optimizerBytes += a.u8.size() + 4 * a.f32.size() + 8 * a.i64.size();
    std::printf("run: %s (%.1f MB; %zu weights, %.1f MB optimizer state, %zu feature arrays)\n", path.c_str(),
                double(std::filesystem::file_size(path)) / 1e6, weights, double(optimizerBytes) / 1e6,
                data.features.size());
    std::printf("median of %d, warm page cache\n\n", reps);

    const double plain = medianMs(reps, [&] { readRunFile(path); });
    const double unchecked = medianMs(reps, [&] { readValidRun(path, {RunParts::Full, false}); });
    const double verified = medianMs(reps, [&] { readValidRun(path, {RunParts::Full, true}); });
    const double summaryPlain = medianMs(reps, [&] { readRunSummary(path); });
    const double summaryUnchecked = medianMs(reps, [&] { readValidRun(path, {RunParts::Summary, false}); });
    const double summaryVerified = medianMs(reps, [&] { readValidRun(path, {RunParts::Summary, true}); });
    std::printf("whole run    readRunFile %8.2f ms   readValidRun --no-verify %8.2f ms   verified %8.2f ms\n", plain,
                unchecked, verified);
    std::printf("summary      readRunSummary %5.2f ms   readValidRun --no-verify %8.2f ms   verified %8.2f ms\n",
                summaryPlain, summaryUnchecked, summaryVerified);
    std::printf("content checks (no-verify - plain): whole %.2f ms, summary %.2f ms\n", unchecked - plain,
                summaryUnchecked - summaryPlain);
    std::printf("verification adds: whole %.2f ms, summary %.2f ms (target < 50 ms)\n\n", verified - unchecked,
                summaryVerified - summaryUnchecked);

    std::printf("digests:");
    std::printf(" design %.2f ms,", medianMs(reps, [&] { digestDesign(data.designJson); }));
    std::printf(" config %.2f ms,", medianMs(reps, [&] { digestConfig(data.config); }));
    std::printf(" metrics %.2f ms,", medianMs(reps, [&] { digestMetrics(data, data.epochColumns); }));
    std::printf(" checkpoint %.2f ms,", medianMs(reps, [&] { digestArrays(data.checkpoint); }));
    std::printf(" optimizer %.2f ms,", medianMs(reps, [&] { digestOptimizer(data); }));
    std::printf(" features %.2f ms\n\n", medianMs(reps, [&] { digestArrays(data.features); }));

    // End to end: the strata binary beside this one in the build tree.
    const QString strata = QCoreApplication::applicationDirPath() + "/../app/strata";
    if (!QFile::exists(strata)) {
        std::printf("strata predict: skipped (no %s)\n", qPrintable(strata));
        return 0;
    }
    const ValidRun valid = readValidRun(path, {RunParts::Summary, false});
    const NodeAnalysis& input = valid.analysis.nodes.front();
    const QString images = tmp.filePath("images");
    test::makeImageFolder(images, {"x"}, 1, int(input.output.at(1)), 1, input.output.at(0) == 3);
    const QString image = images + "/x/000.png";
    std::vector<double> with, without;
    predictOnce(strata, run, image, {});  // the binary and its libraries into the page cache
    for (int i = 0; i < reps; ++i) {  // interleaved: drift in the machine's load hits both alike
        with.push_back(predictOnce(strata, run, image, {}));
        without.push_back(predictOnce(strata, run, image, {"--no-verify"}));
    }
    std::sort(with.begin(), with.end());
    std::sort(without.begin(), without.end());
    const double a = with[with.size() / 2], b = without[without.size() / 2];
    std::printf("strata predict (1 image): verified %.1f ms, --no-verify %.1f ms, difference %.1f ms\n", a, b, a - b);
    return 0;
}
