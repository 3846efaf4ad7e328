// Training precision: CPU feature detection, what fp32/bf16/auto resolve to, bf16 autocast
// training a tiny net with fp32 weights, and the fp32 path left exactly as it was. The bf16
// cases skip on CPUs without bf16 support (torch would only emulate it there).
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#ifndef Q_MOC_RUN
#include <ATen/autocast_mode.h>

#include "compile/GraphModule.h"
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "train/CpuAutocast.h"
#include "train/FlushDenormals.h"
#include "compile/Precision.h"
#include "design/DesignAnalysis.h"
#include "train/Trainer.h"
#endif

using namespace strata;

namespace {

const char* const kCpuinfo =
    "processor\t: 0\nvendor_id\t: GenuineIntel\n"
    "flags\t\t: fpu vme sse avx512f avx512_bf16 avx512_vnni\nbogomips\t: 4000\n"
    "processor\t: 1\nflags\t\t: fpu vme sse avx512f avx512_bf16 avx512_vnni\n";

}  // namespace

class PrecisionTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;
    Design design_;

    TrainConfig config(const QString& run, const std::string& precision) {
        TrainConfig c;
        c.data = data_.toStdString();
        c.epochs = 4;
        c.batchSize = 16;
        c.threads = 1;
        c.lr = 0.01;
        c.precision = precision;
        c.run = tmp_.filePath(run).toStdString();
        return c;
    }

private slots:
    void initTestCase() {
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cache").toUtf8());
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, {"a", "b", "c"}, 30, 16, 5);
        design_ = parseDesign(test::tinyCnnDesign().toStdString());
    }

    void parsesCpuFlags() {
        CpuPrecisionSupport s = parseCpuFlags(kCpuinfo);
        QVERIFY(s.avx512Bf16);
        QVERIFY(!s.amxBf16);
        QVERIFY(s.bf16());
        QCOMPARE(s.describe(), std::string("avx512_bf16 (no amx_bf16)"));
        s = parseCpuFlags("flags\t: fpu amx_bf16 amx_tile avx512_bf16\n");
        QVERIFY(s.amxBf16 && s.avx512Bf16);
        s = parseCpuFlags("flags\t: fpu avx2 avx512_bf16x\n");  // whole words only
        QVERIFY(!s.bf16());
        QVERIFY(!parseCpuFlags("").bf16());
        QCOMPARE(parseCpuFlags("").describe(), std::string("no bf16 support"));
        // oneDNN's bf16 kernels need all three of avx512bw, avx512vl and avx512dq.
        QVERIFY(!parseCpuFlags(kCpuinfo).oneDnnBf16);
        QVERIFY(parseCpuFlags("flags\t: avx512f avx512dq avx512bw avx512vl\n").oneDnnBf16);
        QVERIFY(!parseCpuFlags("flags\t: avx512f avx512dq avx512vl\n").oneDnnBf16);
    }

    // The rule of choosePrecision, with the CPU's flags injected: bf16 needs bf16 instructions
    // oneDNN uses and a design whose work is mostly in wide convolutions and large Linears.
    void autoDecidesFromFlagsAndLayers() {
        CpuPrecisionSupport none, avx512NoKernels, avx512, amx;
        avx512NoKernels.avx512Bf16 = true;
        avx512 = avx512NoKernels;
        avx512.oneDnnBf16 = true;
        amx.amxBf16 = amx.avx512Bf16 = amx.oneDnnBf16 = true;
        const DesignAnalysis reference = analyzeDesign(loadDesign(test::templateFile("reference-cnn").toStdString()), 10);
        // conv1 28*28*32 * 1*9 = 225,792 (1 input channel: not bf16-friendly);
        // conv2 14*14*64 * 32*9 = 3,612,672; fc1 3,136*128 = 401,408; fc2 128*10 = 1,280 (128 inputs: not).
        QCOMPARE(bf16FriendlyShare(reference), (3612672.0 + 401408.0) / (225792.0 + 3612672.0 + 401408.0 + 1280.0));
        const DesignAnalysis tiny = analyzeDesign(design_, 3);  // conv over 1 channel, Linear over 512
        // conv1 16*16*8 * 9 = 18,432; fc 8*8*8 = 512 inputs x 3 = 1,536 (friendly).
        QCOMPARE(bf16FriendlyShare(tiny), 1536.0 / (18432.0 + 1536.0));

        QCOMPARE(choosePrecision("auto", reference, none).precision, std::string("fp32"));
        QCOMPARE(choosePrecision("auto", reference, avx512NoKernels).precision, std::string("fp32"));
        const PrecisionChoice chosen = choosePrecision("auto", reference, avx512);
        QCOMPARE(chosen.precision, std::string("bf16"));
        QVERIFY2(chosen.reason.find("95 %") != std::string::npos, chosen.reason.c_str());
        QCOMPARE(choosePrecision("auto", reference, amx).precision, std::string("bf16"));
        const PrecisionChoice small = choosePrecision("auto", tiny, amx);
        QCOMPARE(small.precision, std::string("fp32"));
        QVERIFY2(small.reason.find("only 8 %") != std::string::npos, small.reason.c_str());
        // Asked explicitly: honoured whatever the CPU or the design.
        QCOMPARE(choosePrecision("fp32", reference, amx).precision, std::string("fp32"));
        QCOMPARE(choosePrecision("bf16", tiny, none).precision, std::string("bf16"));
        QVERIFY_EXCEPTION_THROWN(choosePrecision("fp16", reference, amx), std::invalid_argument);
    }

    void fp32GuardChangesNothing() {
        torch::manual_seed(3);
        GraphModule model(design_, 3);
        const torch::Tensor x = torch::randn({8, 1, 16, 16});
        const torch::Tensor plain = model->forward(x);
        torch::Tensor guarded;
        {
            CpuAutocast off(false);
            QVERIFY(!at::autocast::is_cpu_enabled());
            guarded = model->forward(x);
        }
        QCOMPARE(guarded.scalar_type(), torch::kFloat32);
        QVERIFY(torch::equal(plain, guarded));
        {
            CpuAutocast on(true);  // state is restored afterwards: fp32 again, bit for bit
            QVERIFY(at::autocast::is_cpu_enabled());
        }
        QVERIFY(!at::autocast::is_cpu_enabled());
        QVERIFY(torch::equal(plain, model->forward(x)));
    }

    void bf16StepTrainsWithFp32Weights() {
        if (!cpuPrecisionSupport().bf16()) QSKIP("this CPU has no bf16 support (no avx512_bf16 or amx_bf16)");
        torch::manual_seed(1);
        GraphModule model(design_, 3);
        torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.1));
        const torch::Tensor x = torch::randn({32, 1, 16, 16});
        const torch::Tensor y = torch::randint(0, 3, {32}, torch::kInt64);
        double first = 0, last = 0;
        for (int step = 0; step < 20; ++step) {
            opt.zero_grad();
            torch::Tensor logits;
            {
                CpuAutocast autocast(true);
                logits = model->forward(x);
            }
            QCOMPARE(logits.scalar_type(), torch::kBFloat16);  // autocast really ran the layers in bf16
            const torch::Tensor loss = torch::nn::functional::cross_entropy(logits.to(torch::kFloat32), y);
            QCOMPARE(loss.scalar_type(), torch::kFloat32);
            const double v = loss.item<double>();
            QVERIFY(std::isfinite(v));
            (step == 0 ? first : last) = v;
            loss.backward();
            opt.step();
        }
        QVERIFY2(last < first * 0.7, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        for (const auto& p : model->parameters()) {
            QCOMPARE(p.scalar_type(), torch::kFloat32);
            QCOMPARE(p.grad().scalar_type(), torch::kFloat32);
        }
    }

    void trainerRecordsThePrecisionUsed() {
        if (!cpuPrecisionSupport().bf16()) QSKIP("this CPU has no bf16 support (no avx512_bf16 or amx_bf16)");
        Trainer trainer(design_, config("bf16.h5", "bf16"));
        std::vector<std::string> logs;
        TrainEvents ev;
        ev.log = [&](const std::string& m) { logs.push_back(m); };
        trainer.setEvents(ev);
        TrainResult r = trainer.run();
        QVERIFY2(r.status == TrainResult::Status::Finished, r.error.c_str());
        QCOMPARE(r.metrics.epochs.size(), size_t(4));
        for (const EpochRecord& e : r.metrics.epochs) QVERIFY(std::isfinite(e.trainLoss));
        QVERIFY(r.metrics.epochs.back().trainLoss < r.metrics.epochs.front().trainLoss);
        const RunData run = readRunFile(r.runPath);
        QCOMPARE(run.config.at("precision").get<std::string>(), std::string("bf16"));
        QCOMPARE(run.config.at("precision_used").get<std::string>(), std::string("bf16"));
        QVERIFY(!run.checkpoint.empty());
        for (const NamedArray& a : run.checkpoint) QVERIFY2(a.type == NamedArray::Type::Float32, a.name.c_str());
        bool said = false;
        for (const std::string& m : logs) said = said || m.find("precision bf16") != std::string::npos;
        QVERIFY(said);
    }

    // bf16 resumes exactly: 1 epoch + resume to 3 equals 3 epochs in one go, and a resumed
    // `auto` run keeps the precision recorded in it.
    void bf16ResumeEqualsOneGo() {
        if (!cpuPrecisionSupport().bf16()) QSKIP("this CPU has no bf16 support (no avx512_bf16 or amx_bf16)");
        TrainConfig whole = config("bf16-whole.h5", "bf16");
        whole.epochs = 3;
        QVERIFY(Trainer(design_, whole).run().status == TrainResult::Status::Finished);
        TrainConfig part = config("bf16-part.h5", "bf16");
        part.epochs = 1;
        QVERIFY(Trainer(design_, part).run().status == TrainResult::Status::Finished);
        part.epochs = 3;
        part.resume = true;
        QVERIFY(Trainer(design_, part).run().status == TrainResult::Status::Finished);
        const RunData a = readRunFile(whole.run), b = readRunFile(part.run);
        QCOMPARE(b.epoch, int64_t(3));
        QCOMPARE(b.stepLoss, a.stepLoss);
        QCOMPARE(b.checkpoint.size(), a.checkpoint.size());
        for (size_t i = 0; i < a.checkpoint.size(); ++i)
            QVERIFY2(a.checkpoint[i].f32 == b.checkpoint[i].f32 && a.checkpoint[i].i64 == b.checkpoint[i].i64,
                     a.checkpoint[i].name.c_str());
    }

    void resumedAutoKeepsTheRecordedPrecision() {
        TrainConfig cfg = config("auto-kept.h5", "auto");
        cfg.epochs = 1;
        QVERIFY(Trainer(design_, cfg).run().status == TrainResult::Status::Finished);
        // As if the run had started on a CPU where auto chose the other precision.
        RunData run = readRunFile(cfg.run);
        const std::string other = run.config.at("precision_used") == "bf16" ? "fp32" : "bf16";
        if (other == "bf16" && !cpuPrecisionSupport().bf16()) QSKIP("this CPU has no bf16 support");
        run.config["precision_used"] = other;
        run.config["precision_reason"] = "auto: recorded elsewhere";
        writeRunFile(cfg.run, run);
        cfg.epochs = 2;
        cfg.resume = true;
        Trainer resumed(design_, cfg);
        std::vector<std::string> logs;
        TrainEvents ev;
        ev.log = [&](const std::string& m) { logs.push_back(m); };
        resumed.setEvents(ev);
        const TrainResult r = resumed.run();
        QVERIFY2(r.status == TrainResult::Status::Finished, r.error.c_str());
        QCOMPARE(readRunFile(cfg.run).config.at("precision_used").get<std::string>(), other);
        bool said = false;
        for (const std::string& m : logs) said = said || m.find("precision " + other + " (kept from the run") == 0;
        QVERIFY(said);
        // The reason says so once, however often the run is resumed.
        const std::string kept = "kept from the run (auto: recorded elsewhere)";
        QCOMPARE(readRunFile(cfg.run).config.at("precision_reason").get<std::string>(), kept);
        cfg.epochs = 3;
        QVERIFY(Trainer(design_, cfg).run().status == TrainResult::Status::Finished);
        QCOMPARE(readRunFile(cfg.run).config.at("precision_reason").get<std::string>(), kept);
    }

    // Denormals become zero on the training thread and on every OpenMP worker while the guard
    // lives (a large multiplication runs on all of them), and come back after it.
    void flushesDenormalsOnEveryThread() {
        const int threads = at::get_num_threads();
        at::set_num_threads(2);
        const torch::Tensor x = torch::full({1 << 20}, 1e-30f);
        {
            const FlushDenormals flush(2);
            if (!flush.active()) QSKIP("this CPU has no flush-to-zero mode");
            QCOMPARE((x * 1e-9f).count_nonzero().item<int64_t>(), int64_t(0));
            QCOMPARE((x * 1e-3f).count_nonzero().item<int64_t>(), int64_t(1 << 20));  // normal: kept
        }
        QCOMPARE((x * 1e-9f).count_nonzero().item<int64_t>(), int64_t(1 << 20));
        at::set_num_threads(threads);
    }

    void autoRecordsWhatItResolvedTo() {
        auto cfg = config("auto.h5", "auto");
        cfg.epochs = 1;
        Trainer one(design_, cfg);
        TrainResult r = one.run();
        QVERIFY2(r.status == TrainResult::Status::Finished, r.error.c_str());
        const RunData run = readRunFile(r.runPath);
        QCOMPARE(run.config.at("precision").get<std::string>(), std::string("auto"));
        // The trainer decides before the data tells the classes, counting 10 for the head.
        const PrecisionChoice expected = choosePrecision("auto", analyzeDesign(design_, 10));
        QCOMPARE(run.config.at("precision_used").get<std::string>(), expected.precision);
        QCOMPARE(run.config.at("precision_reason").get<std::string>(), expected.reason);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(PrecisionTest)
#include "test_precision.moc"
