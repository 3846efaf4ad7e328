// Fuzzing of the commands that read run files (issue 22, docs/ARCHITECTURE.md §8): one tiny
// run, trained once, is damaged in seeded ways (support/RunMutants.h: bytes flipped in stored
// values, truncation, datasets and attributes deleted, added or rewritten, NaN, terabyte
// sizes, links, garbage designs, damaged digests, often with every digest deleted too), and
// each mutant goes through `strata predict`, `strata eval` or `strata export` in turn (one in
// four with --no-verify). Every command must end with exit 0 or 2, never a signal, a hang or
// exit 1; an exit 2 explains itself in exactly one "error: " line that names the run file; and
// a command that succeeds on a mutant used the seed's checkpoint, unless the mutant carries no
// digests (an old file: a note says it cannot be verified) or --no-verify was given (a note
// says so). Bounded: the first kRunCliMinimum mutants always run, then until the budget ends.
// Flipped bytes in HDF5's own structures are fuzzed in core.fuzz_run_files (HDF5 1.10.8 can
// crash on some of them, whoever calls it).
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <map>
#include <random>

#include "runs/RunFile.h"
#include "support/RunMutants.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata;
using namespace strata::test;

namespace {

constexpr unsigned kRunCliSeed = 2025;
constexpr int kRunCliMinimum = 40;
constexpr qint64 kRunCliBudgetMs = 35000;
constexpr int kRunCliTimeoutMs = 30000;

struct RunCliResult : StrataRun {  // code: -1 crashed (signal), -2 timed out
    qint64 ms = 0;
};

RunCliResult runCliTimed(const QStringList& args) {
    QElapsedTimer t;
    t.start();
    RunCliResult r;
    static_cast<StrataRun&>(r) = runStrata(args, kRunCliTimeoutMs);
    r.ms = t.elapsed();
    return r;
}

bool sameCheckpoint(const std::vector<NamedArray>& a, const std::vector<NamedArray>& b) {
    if (a.size() != b.size()) return false;
    for (const NamedArray& x : a) {
        const NamedArray* y = findArray(b, x.name);
        if (!y || y->type != x.type || y->shape != x.shape || y->i64 != x.i64 || y->u8 != x.u8 ||
            y->f32.size() != x.f32.size() ||
            (!x.f32.empty() && std::memcmp(x.f32.data(), y->f32.data(), x.f32.size() * sizeof(float)) != 0))
            return false;
    }
    return true;
}

// What an "error: " line is about, for the counts.
QString runCliBucket(const QString& e) {
    if (e.contains("does not match the digest")) return "digest mismatch";
    if (e.contains("digest of")) return "missing digest";
    if (e.contains("declares") && e.contains("the file holds")) return "declared size";
    if (e.contains("HDF5")) return "not HDF5/unreadable";
    if (e.contains("is a link") || e.contains("neither an array nor a group")) return "link";
    if (e.contains("missing group") || e.contains("missing dataset") || e.contains("not a complete run file"))
        return "missing group/dataset";
    if (e.contains("run format") || e.contains("not a Strata run file")) return "format";
    if (e.contains("is stored as") || e.contains("not an array of numbers") || e.contains("is not a string") ||
        e.contains("is not a number") || e.contains("; the design needs int64") || e.contains("; the design needs float32"))
        return "dtype";
    if (e.contains("has shape") || e.contains("1-D array") || e.contains("rows but") || e.contains("where one belongs"))
        return "shape";
    if (e.contains("not finite") || e.contains("is NaN") || e.contains("is infinite")) return "not finite";
    if (e.contains("belongs to no layer") || e.contains("which the design needs")) return "checkpoint layout";
    if (e.contains(": /config")) return "config";
    if (e.contains(": /design")) return "design";
    if (e.contains("/metrics")) return "metrics";
    if (e.contains("/optimizer")) return "optimizer";
    return "other";
}

}  // namespace

class FuzzRunCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, image_, run_;
    RunMutantSeed seed_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    QStringList command(int which, const QString& run, const QString& onnx) const {
        switch (which) {
        case 0: return {"predict", run, image_};
        case 1: return {"eval", run, "--data", data_};
        default: return {"export", run, "--onnx", onnx};
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"a", "b", "c"}, 6, 16, 5);
        image_ = data_ + "/a/000.png";
        run_ = path("seed.h5");
        const QString design = writeText(path("tiny.strata.json"), tinyCnnDesign());
        const StrataRun r = runStrata({"train", design, "--data", data_, "--epochs", "1", "--batch-size", "8",
                                       "--threads", "1", "--run", run_},
                                      120000);
        QVERIFY2(r.code == 0, qPrintable(r.err.right(500)));
        seed_ = describeRunSeed("trained", run_.toStdString(), 1);
        QVERIFY(!seed_.checkpointStorage.empty() && seed_.data.digests.size() == 6);
        // The seed itself passes every command.
        for (int which = 0; which < 3; ++which) {
            const RunCliResult s = runCliTimed(command(which, run_, path("seed.onnx")));
            QVERIFY2(s.code == 0, qPrintable(command(which, run_, "").join(' ') + ": " + s.err.right(500)));
        }
    }

    void mutants() {
        std::mt19937 rng(kRunCliSeed);
        const char* names[] = {"predict", "eval", "export"};
        std::map<QString, int> refused;  // bucket of the error line
        std::map<QString, std::pair<int, int>> byCommand;  // exit 0, exit 2
        int identical = 0, unverifiable = 0, unchecked = 0;
        const qint64 budgetMs = fuzzBudgetMs(kRunCliBudgetMs);  // STRATA_FUZZ_BUDGET_MS: a longer soak
        QElapsedTimer budget;
        budget.start();
        int i = 0;
        for (; i < kRunCliMinimum || budget.elapsed() < budgetMs; ++i) {
            const RunMutation kind = RunMutation(rng() % kRunMutations);
            const bool strip = kind != RunMutation::Digests && kind != RunMutation::Truncate && rng() % 3 == 0;
            const QString file = path(QString("m%1.h5").arg(i));
            const std::string detail = writeRunMutant(seed_, kind, strip, file.toStdString(), rng);
            const int which = i % 3;
            const bool noVerify = i % 4 == 3;
            QStringList args = command(which, file, path(QString("m%1.onnx").arg(i)));
            if (noVerify) args << "--no-verify";
            const QString label = QString("mutant %1 (seed %2, %3: %4): strata %5")
                                      .arg(i)
                                      .arg(kRunCliSeed)
                                      .arg(runMutationName(kind), QString::fromStdString(detail), args.join(' '));
            const RunCliResult r = runCliTimed(args);
            QVERIFY2(r.code == 0 || r.code == 2,
                     qPrintable(label + QString(": exit %1 (-1 signal, -2 timeout) after %2 ms; stderr: ").arg(r.code).arg(r.ms) +
                                r.err.right(800)));
            const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
            const QStringList errors = lines.filter(QRegularExpression("^error: "));
            for (const QString& line : lines)
                QVERIFY2(line.startsWith("error: ") || line.startsWith("note: "),
                         qPrintable(label + ": stray stderr line: " + line));
            if (r.code == 2) {
                ++byCommand[names[which]].second;
                QVERIFY2(errors.size() == 1, qPrintable(label + ": exit 2 with " + QString::number(errors.size()) +
                                                        " error lines: " + r.err.left(800)));
                QVERIFY2(errors[0].contains(file), qPrintable(label + ": the error does not name the run file: " + errors[0]));
                ++refused[runCliBucket(errors[0])];
                QFile::remove(file);
                continue;
            }
            ++byCommand[names[which]].first;
            QVERIFY2(errors.isEmpty(), qPrintable(label + ": exit 0 with an error line: " + r.err.left(800)));
            // Success: the weights used were the seed's, or the user was told they could not be checked.
            RunData mutant;
            try {
                mutant = readRunFile(file.toStdString());
            } catch (const RunFileError& e) {
                QFAIL(qPrintable(label + ": exit 0, but readRunFile refuses the file: " + e.what()));
            }
            if (sameCheckpoint(mutant.checkpoint, seed_.data.checkpoint)) {
                ++identical;
            } else if (noVerify) {
                QVERIFY2(r.err.contains("note: " + file + ": not verified (--no-verify)"), qPrintable(label + ": " + r.err));
                ++unchecked;
            } else {
                QVERIFY2(mutant.digests.empty(),
                         qPrintable(label + ": exit 0 with weights other than the seed's, and the file has digests"));
                QVERIFY2(r.err.contains("note: " + file + ": written before run files carried digests"),
                         qPrintable(label + ": unverifiable weights used without a note: " + r.err));
                ++unverifiable;
            }
            QFile::remove(file);
        }
        QString commands, buckets;
        for (const auto& [name, counts] : byCommand)
            commands += QString(" %1: %2 exit 0, %3 exit 2;").arg(name).arg(counts.first).arg(counts.second);
        for (const auto& [bucket, count] : refused) buckets += QString("\n    refused, %1: %2").arg(bucket).arg(count);
        qInfo("fuzzed %d run-file mutants through the commands in %lld ms (seed %u):%s%s\n"
              "    accepted: %d with the seed's weights, %d with other weights and no digests (noted), "
              "%d with other weights under --no-verify (noted)",
              i, static_cast<long long>(budget.elapsed()), kRunCliSeed, qPrintable(commands), qPrintable(buckets),
              identical, unverifiable, unchecked);
        QVERIFY(i >= kRunCliMinimum);
        QVERIFY(identical > 0);
        QVERIFY(refused.size() >= 4);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(FuzzRunCliTest)
#include "test_fuzz_run_cli.moc"
