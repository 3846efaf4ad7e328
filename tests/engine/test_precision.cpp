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
#include "compile/Precision.h"
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

    void autoPicksBf16OnlyWithAmx() {
        CpuPrecisionSupport none, avx512, amx;
        avx512.avx512Bf16 = true;
        amx.amxBf16 = amx.avx512Bf16 = true;
        QCOMPARE(resolvePrecision("auto", none), std::string("fp32"));
        QCOMPARE(resolvePrecision("auto", avx512), std::string("fp32"));
        QCOMPARE(resolvePrecision("auto", amx), std::string("bf16"));
        QCOMPARE(resolvePrecision("fp32", amx), std::string("fp32"));
        QCOMPARE(resolvePrecision("bf16", none), std::string("bf16"));
        QVERIFY_EXCEPTION_THROWN(resolvePrecision("fp16", amx), std::invalid_argument);
        // This machine: auto follows its AMX flag.
        QCOMPARE(resolvePrecision("auto"), std::string(cpuPrecisionSupport().amxBf16 ? "bf16" : "fp32"));
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

    void autoRecordsWhatItResolvedTo() {
        auto cfg = config("auto.h5", "auto");
        cfg.epochs = 1;
        Trainer one(design_, cfg);
        TrainResult r = one.run();
        QVERIFY2(r.status == TrainResult::Status::Finished, r.error.c_str());
        const RunData run = readRunFile(r.runPath);
        QCOMPARE(run.config.at("precision").get<std::string>(), std::string("auto"));
        QCOMPARE(run.config.at("precision_used").get<std::string>(), resolvePrecision("auto"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(PrecisionTest)
#include "test_precision.moc"
