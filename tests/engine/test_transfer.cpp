// Transfer (docs/ARCHITECTURE.md §3): starting a run from a trained run's weights and freezing
// layers. The plan matches nodes by id, type and shapes (the head starts afresh for other
// classes); the run copies exactly what the plan says and seeds the rest as a fresh run would;
// frozen layers (BatchNorm statistics included) end bit-identical; a resumed run with frozen
// layers equals an uninterrupted one; the run records its source and what it froze; frozen
// layers have no gradient norms.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>

#ifndef Q_MOC_RUN
#include "compile/GraphModule.h"
#include "design/DesignAnalysis.h"
#include "insight/GradientNorms.h"
#include "runs/RunDigest.h"
#include "runs/RunReader.h"
#include "support/TestData.h"
#include "support/TrainFixtures.h"
#include "train/Trainer.h"
#include "train/Transfer.h"
#endif

using namespace strata;

namespace {
namespace xfer {  // the engine suite is a unity build: these names stay out of the others' way

// A chain design on channels x 8 x 8 inputs: Input, `nodes` (JSON objects), Output.
Design chainDesign(const char* name, const char* nodes, int channels = 1) {
    return parseDesign(QString(R"({"format": "strata.design/1", "name": "%1", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": %3, "height": 8, "width": 8}}, %2,
  {"id": "out", "type": "Output"}]})")
                           .arg(QString::fromUtf8(name), QString::fromUtf8(nodes), QString::number(channels))
                           .toStdString());
}

const char* const kSourceNodes = R"(
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "bn1", "type": "BatchNorm2d"},
  {"id": "relu1", "type": "ReLU"},
  {"id": "mix", "type": "BatchNorm2d"},
  {"id": "conv2", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "relu2", "type": "ReLU"},
  {"id": "conv3", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "relu3", "type": "ReLU"},
  {"id": "conv4", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "relu4", "type": "ReLU"},
  {"id": "pool", "type": "MaxPool2d", "params": {"kernel_size": 2}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}})";

// The source: every kind of node the target below maps differently.
Design sourceDesign() { return chainDesign("source", kSourceNodes); }

// conv1 and bn1 as in the source; mix of another type; conv2 wider (so conv3 after it sees
// other input channels); conv4 renamed; the head as in the source (its classes decide).
Design targetDesign() {
    return chainDesign("target", R"(
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "bn1", "type": "BatchNorm2d"},
  {"id": "relu1", "type": "ReLU"},
  {"id": "mix", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 1}},
  {"id": "conv2", "type": "Conv2d", "params": {"out_channels": 16, "kernel_size": 3, "padding": 1}},
  {"id": "relu2", "type": "ReLU"},
  {"id": "conv3", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "relu3", "type": "ReLU"},
  {"id": "conv4b", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "relu4", "type": "ReLU"},
  {"id": "pool", "type": "MaxPool2d", "params": {"kernel_size": 2}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}})");
}

const char* const kHeadReason = "the head: the run was trained on other classes";

// "id=kind (reason)" per node, for one readable comparison.
QStringList planText(const InitPlan& plan) {
    QStringList out;
    for (const NodeInit& n : plan.nodes) {
        const char* kind = n.kind == NodeInit::Kind::Copied ? "copied" : n.kind == NodeInit::Kind::New ? "new" : "skipped";
        out << QString::fromStdString(n.id) + "=" + kind + (n.reason.empty() ? "" : " (" + QString::fromStdString(n.reason) + ")");
    }
    return out;
}

// Bit for bit: name, type, shape and the bytes of the values.
bool sameArray(const NamedArray* a, const NamedArray* b) {
    if (!a || !b || a->type != b->type || a->shape != b->shape) return false;
    return a->f32.size() == b->f32.size() && a->i64 == b->i64 && a->u8 == b->u8 &&
           (a->f32.empty() || std::memcmp(a->f32.data(), b->f32.data(), a->f32.size() * sizeof(float)) == 0);
}

bool sameTensor(const RunData& a, const RunData& b, const std::string& name) {
    return sameArray(findArray(a.checkpoint, name), findArray(b.checkpoint, name));
}

// The message of the std::invalid_argument `f` throws ("" when it throws none).
std::string invalidArgumentOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool logHas(const std::vector<std::string>& log, const std::string& line) {
    return std::find(log.begin(), log.end(), line) != log.end();
}

}  // namespace xfer
}  // namespace

class TransferTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString srcData_, dstData_;
    std::string sourceRun_, residualRun_;  // trained on srcData_ (classes a, b, c)

    TrainConfig config(const QString& data, const QString& run, int epochs) {
        TrainConfig c = test::tinyTrainConfig(data, tmp_.filePath(run), epochs);
        c.batchSize = 12;
        return c;
    }

    // Trains `c`; `log` collects the notices. `stopAtOnce`: the run stops before its first
    // step, so its file holds the epoch-0 checkpoint (the initial weights).
    TrainResult train(const Design& design, const TrainConfig& c, std::vector<std::string>* log = nullptr,
                      bool stopAtOnce = false) {
        Trainer trainer(design, c);
        TrainEvents ev;
        if (log) ev.log = [log](const std::string& m) { log->push_back(m); };
        trainer.setEvents(ev);
        if (stopAtOnce) trainer.stop();
        return trainer.run();
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        srcData_ = tmp_.filePath("src");
        dstData_ = tmp_.filePath("dst");
        test::makeImageFolder(srcData_, {"a", "b", "c"}, 12, 8, 3);
        test::makeImageFolder(dstData_, {"x", "y", "z"}, 12, 8, 9);
        TrainConfig c = config(srcData_, "source.h5", 2);
        QVERIFY(train(xfer::sourceDesign(), c).status == TrainResult::Status::Finished);
        sourceRun_ = c.run;
        c = config(srcData_, "residual.h5", 2);
        QVERIFY(train(parseDesign(test::tinyResidualDesign(8).toStdString()), c).status == TrainResult::Status::Finished);
        residualRun_ = c.run;
    }

    void planMatchesByIdTypeAndShape() {
        const ValidRun source = readValidRun(sourceRun_);
        QCOMPARE(source.classes, std::vector<std::string>({"a", "b", "c"}));
        const DesignAnalysis target = analyzeDesign(xfer::targetDesign(), 3);
        const QStringList common{
            "conv1=copied", "bn1=copied", "mix=new (a BatchNorm2d in the run)",
            "conv2=skipped (weight [8, 8, 3, 3] in the run, [16, 8, 3, 3] here)",
            "conv3=skipped (weight [8, 8, 3, 3] in the run, [8, 16, 3, 3] here)", "conv4b=new (not in the run)"};

        // Other classes, as many: the head's outputs meant other things, so it starts afresh.
        InitPlan plan = planInit(target, source, "src.h5", {"x", "y", "z"});
        QCOMPARE(xfer::planText(plan), common + QStringList{QString("fc=new (") + xfer::kHeadReason + ")"});
        QCOMPARE(plan.source, std::string("src.h5"));
        QCOMPARE(plan.count(NodeInit::Kind::Copied), 2);
        QCOMPARE(plan.count(NodeInit::Kind::New), 3);
        QCOMPARE(plan.count(NodeInit::Kind::Skipped), 2);
        QCOMPARE(plan.summary(),
                 std::string("copied conv1, bn1; new: mix (a BatchNorm2d in the run), conv4b (not in the run), fc (") +
                     xfer::kHeadReason + "); skipped: conv2 (weight [8, 8, 3, 3] in the run, [16, 8, 3, 3] here), "
                                         "conv3 (weight [8, 8, 3, 3] in the run, [8, 16, 3, 3] here)");
        // The same classes in another order are other classes too.
        plan = planInit(target, source, "src.h5", {"c", "b", "a"});
        QCOMPARE(xfer::planText(plan).last(), QString("fc=new (") + xfer::kHeadReason + ")");
        // The run's classes, or classes not known yet: the head is copied.
        plan = planInit(target, source, "src.h5", {"a", "b", "c"});
        QCOMPARE(xfer::planText(plan), common + QStringList{"fc=copied"});
        plan = planInit(target, source, "src.h5", {});
        QCOMPARE(xfer::planText(plan).last(), QString("fc=copied"));
        // Another number of classes: the head's shape differs.
        plan = planInit(analyzeDesign(xfer::targetDesign(), 2), source, "src.h5", {"x", "y"});
        QCOMPARE(xfer::planText(plan).last(), QString("fc=skipped (weight [3, 128] in the run, [2, 128] here)"));
        QCOMPARE(plan.summary().substr(0, 22), std::string("copied conv1, bn1; new"));

        // Nothing in common: an error naming the run, not a run that silently starts from scratch.
        const Design stranger = xfer::chainDesign("stranger", R"(
  {"id": "c1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "flat", "type": "Flatten"},
  {"id": "f1", "type": "Linear", "params": {"out_features": "classes"}})");
        const std::string message =
            xfer::invalidArgumentOf([&] { planInit(analyzeDesign(stranger, 3), source, "src.h5", {"a", "b", "c"}); });
        QVERIFY2(xfer::contains(message, "src.h5") && xfer::contains(message, "nothing to start from"), message.c_str());
        // Only the head would match, and it is for other classes: nothing either.
        const Design headOnly = xfer::chainDesign("head-only", R"(
  {"id": "c1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "pool", "type": "MaxPool2d", "params": {"kernel_size": 2}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}})");
        QCOMPARE(xfer::planText(planInit(analyzeDesign(headOnly, 3), source, "s", {"a", "b", "c"})),
                 QStringList({"c1=new (not in the run)", "fc=copied"}));
        QVERIFY(!xfer::invalidArgumentOf([&] { planInit(analyzeDesign(headOnly, 3), source, "s", {"x", "y", "z"}); }).empty());
    }

    // The run copies what the plan says, bit for bit, and the rest is what a fresh run with the
    // same seed starts from. It records its source and keeps the source's mean/std unless
    // --restat.
    void runCopiesThePlanAndRecordsTheSource() {
        const Design target = xfer::targetDesign();
        TrainConfig c = config(dstData_, "init.h5", 3);
        c.initFrom = sourceRun_;
        std::vector<std::string> log;
        QVERIFY(train(target, c, &log, true).status == TrainResult::Status::Stopped);
        const RunData init = readValidRun(c.run).data;
        QCOMPARE(init.epoch, int64_t(0));

        TrainConfig scratchConfig = config(dstData_, "scratch.h5", 3);
        QVERIFY(train(target, scratchConfig, nullptr, true).status == TrainResult::Status::Stopped);
        const RunData scratch = readValidRun(scratchConfig.run).data;
        const ValidRun source = readValidRun(sourceRun_);

        const std::string summary = planInit(analyzeDesign(target, 3), source, sourceRun_, {"x", "y", "z"}).summary();
        QVERIFY2(xfer::logHas(log, "init from " + sourceRun_ + ": " + summary), summary.c_str());
        QVERIFY(xfer::logHas(log, "mean and std from " + sourceRun_ + " (--restat computes them from the data)"));

        int copied = 0, fresh = 0;
        for (const NamedArray& a : init.checkpoint) {
            const std::string node = a.name.substr(0, a.name.find('.'));
            if (node == "conv1" || node == "bn1") {
                QVERIFY2(xfer::sameArray(&a, findArray(source.data.checkpoint, a.name)), a.name.c_str());
                // Trained: not what the seed alone gives (else this check would prove nothing).
                QVERIFY2(!xfer::sameTensor(init, scratch, a.name), a.name.c_str());
                ++copied;
            } else {
                QVERIFY2(xfer::sameTensor(init, scratch, a.name), a.name.c_str());
                ++fresh;
            }
        }
        QCOMPARE(copied, 7);  // conv1 weight, bias; bn1 weight, bias, running_mean, running_var, num_batches_tracked
        QCOMPARE(fresh, 10);  // mix, conv2, conv3, conv4b, fc: weight and bias each
        QVERIFY(findArray(source.data.checkpoint, "bn1.num_batches_tracked")->i64.at(0) > 0);

        // The record: the source as given, its digest, what was frozen (nothing).
        QCOMPARE(init.config.at("init_from").get<std::string>(), sourceRun_);
        const std::string sha = init.config.at("init_from_sha256").get<std::string>();
        QCOMPARE(sha, digestFile(sourceRun_));
        QCOMPARE(sha.size(), size_t(64));
        QVERIFY(sha.find_first_not_of("0123456789abcdef") == std::string::npos);
        QCOMPARE(init.config.at("frozen"), nlohmann::json::array());
        QCOMPARE(init.config.at("restat").get<bool>(), false);
        QVERIFY(!scratch.config.contains("init_from_sha256"));
        QCOMPARE(scratch.config.at("init_from").get<std::string>(), std::string());

        // mean/std: the source's (its layers expect them), or with --restat the data's.
        QCOMPARE(init.config.at("mean"), source.data.config.at("mean"));
        QCOMPARE(init.config.at("std"), source.data.config.at("std"));
        QVERIFY(scratch.config.at("mean") != source.data.config.at("mean"));
        TrainConfig restat = config(dstData_, "restat.h5", 3);
        restat.initFrom = sourceRun_;
        restat.restat = true;
        log.clear();
        QVERIFY(train(target, restat, &log, true).status == TrainResult::Status::Stopped);
        const RunData restated = readValidRun(restat.run).data;
        QCOMPARE(restated.config.at("mean"), scratch.config.at("mean"));
        QCOMPARE(restated.config.at("std"), scratch.config.at("std"));
        QCOMPARE(restated.config.at("restat").get<bool>(), true);
        QVERIFY(xfer::sameTensor(restated, init, "conv1.weight"));  // still initialized from the source
        for (const std::string& line : log) QVERIFY2(!xfer::contains(line, "mean and std from"), line.c_str());

        // A source that is not a run file: refused before anything trains, naming it.
        TrainConfig bad = config(dstData_, "bad.h5", 1);
        bad.initFrom = tmp_.filePath("not-a-run.h5").toStdString();
        test::writeText(QString::fromStdString(bad.initFrom), "not HDF5");
        try {
            train(target, bad);
            QFAIL("a source that is not a run file trained");
        } catch (const std::exception& e) {
            QVERIFY2(xfer::contains(e.what(), bad.initFrom), e.what());
        }
        QVERIFY(!QFileInfo::exists(QString::fromStdString(bad.run)));

        // Colour images on a network trained on gray ones: its mean/std do not fit, so the
        // data's are used; conv1 sees 3 channels and starts afresh, the rest still matches.
        const QString rgbData = tmp_.filePath("rgb");
        test::makeImageFolder(rgbData, {"a", "b", "c"}, 4, 8, 5, /*rgb=*/true);
        TrainConfig rgb = config(rgbData, "rgb.h5", 1);
        rgb.initFrom = sourceRun_;
        log.clear();
        QVERIFY(train(xfer::chainDesign("rgb", xfer::kSourceNodes, 3), rgb, &log, true).status ==
                TrainResult::Status::Stopped);
        const RunData colour = readValidRun(rgb.run).data;
        QCOMPARE(colour.config.at("mean").size(), size_t(3));
        QVERIFY(xfer::logHas(log, sourceRun_ + ": its Input has 1 channels; mean and std are computed from the data"));
        QVERIFY(xfer::logHas(log, "init from " + sourceRun_ + ": copied bn1, mix, conv2, conv3, conv4, fc; new: none; "
                                  "skipped: conv1 (weight [8, 1, 3, 3] in the run, [8, 3, 3, 3] here)"));
        QVERIFY(xfer::sameTensor(colour, source.data, "conv4.weight"));
    }

    // Frozen layers end bit-identical, BatchNorm statistics included; the others train.
    void frozenLayersStayBitIdentical() {
        const Design design = parseDesign(test::tinyResidualDesign(8).toStdString());
        TrainConfig c = config(dstData_, "frozen.h5", 2);
        c.initFrom = residualRun_;
        c.freeze = {"bn0", "stem"};
        std::vector<std::string> log;
        QVERIFY(train(design, c, &log).status == TrainResult::Status::Finished);
        const RunData run = readValidRun(c.run).data;
        QCOMPARE(run.epoch, int64_t(2));
        QVERIFY(xfer::logHas(log, "frozen: stem, bn0"));  // execution order
        QCOMPARE(run.config.at("frozen"), nlohmann::json({"stem", "bn0"}));
        const RunData source = readValidRun(residualRun_).data;
        for (const char* name : {"stem.weight", "stem.bias", "bn0.weight", "bn0.bias", "bn0.running_mean",
                                 "bn0.running_var", "bn0.num_batches_tracked"})
            QVERIFY2(xfer::sameTensor(run, source, name), name);
        // conv1 and bn1 were copied from the source too, then trained; the head is new (x, y, z).
        for (const char* name : {"conv1.weight", "bn1.weight", "bn1.running_mean", "bn1.running_var",
                                 "bn1.num_batches_tracked", "fc.weight"})
            QVERIFY2(!xfer::sameTensor(run, source, name), name);
    }

    // Freezing is a setting a resume keeps: 1 epoch + resume to 2 equals 2 epochs in one go.
    void resumeWithFrozenLayersEqualsOneGo() {
        const Design design = parseDesign(test::tinyResidualDesign(8).toStdString());
        TrainConfig whole = config(dstData_, "whole.h5", 2);
        whole.initFrom = residualRun_;
        whole.freezeThrough = "bn0";
        QVERIFY(train(design, whole).status == TrainResult::Status::Finished);

        TrainConfig part = whole;
        part.run = tmp_.filePath("part.h5").toStdString();
        part.epochs = 1;
        QVERIFY(train(design, part).status == TrainResult::Status::Finished);
        // Given again but different: refused like any resume setting.
        TrainConfig other = part;
        other.resume = true;
        other.epochs = 2;
        other.freeze = {"stem"};
        other.freezeThrough.clear();
        const std::string message = xfer::invalidArgumentOf([&] { train(design, other); });
        QVERIFY2(xfer::contains(message, "\"freeze"), message.c_str());
        // Not given: the recorded freeze; --init-from is ignored (the weights are the run's).
        TrainConfig resume = part;
        resume.resume = true;
        resume.epochs = 2;
        resume.freezeThrough.clear();
        resume.initFrom = tmp_.filePath("no-such-run.h5").toStdString();
        std::vector<std::string> log;
        QVERIFY(train(design, resume, &log).status == TrainResult::Status::Finished);
        QVERIFY(xfer::logHas(log, "frozen: stem, bn0"));
        for (const std::string& line : log) QVERIFY2(!xfer::contains(line, "init from"), line.c_str());

        const RunData a = readValidRun(whole.run).data;
        const RunData b = readValidRun(part.run).data;
        QCOMPARE(b.epoch, int64_t(2));
        QCOMPARE(b.checkpoint.size(), a.checkpoint.size());
        for (const NamedArray& x : a.checkpoint) QVERIFY2(xfer::sameTensor(a, b, x.name), x.name.c_str());
        QCOMPARE(b.stepLoss, a.stepLoss);
        for (const char* key : {"frozen", "freeze", "freeze_through", "init_from", "init_from_sha256"})
            QVERIFY2(b.config.at(key) == a.config.at(key), key);
        QCOMPARE(b.config.at("init_from").get<std::string>(), residualRun_);
        QCOMPARE(b.config.at("frozen"), nlohmann::json({"stem", "bn0"}));
        // And the frozen layers are still the source's.
        const RunData source = readValidRun(residualRun_).data;
        for (const char* name : {"stem.weight", "bn0.running_mean", "bn0.running_var", "bn0.num_batches_tracked"})
            QVERIFY2(xfer::sameTensor(b, source, name), name);
    }

    void resolveFrozenOrderAndErrors() {
        const DesignAnalysis a = analyzeDesign(parseDesign(test::tinyResidualDesign(8).toStdString()), 3);
        using V = std::vector<std::string>;
        QCOMPARE(resolveFrozen(a, {}, ""), V());
        QCOMPARE(resolveFrozen(a, {"fc", "stem"}, ""), V({"stem", "fc"}));  // execution order
        QCOMPARE(resolveFrozen(a, {"stem", "stem"}, ""), V({"stem"}));
        QCOMPARE(resolveFrozen(a, {}, "bn0"), V({"stem", "bn0"}));
        QCOMPARE(resolveFrozen(a, {}, "relu0"), V({"stem", "bn0"}));  // through a node without parameters
        QCOMPARE(resolveFrozen(a, {}, "bn1"), V({"stem", "bn0", "conv1", "bn1"}));
        QCOMPARE(resolveFrozen(a, {"fc"}, "stem"), V({"stem", "fc"}));

        std::string m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {"stem", "nope"}, ""); });
        QVERIFY2(xfer::contains(m, "\"nope\""), m.c_str());
        m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {}, "nope"); });
        QVERIFY2(xfer::contains(m, "\"nope\"") && xfer::contains(m, "--freeze-through"), m.c_str());
        m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {"relu0"}, ""); });
        QVERIFY2(xfer::contains(m, "\"relu0\"") && xfer::contains(m, "no parameters"), m.c_str());
        m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {"gap"}, ""); });
        QVERIFY2(xfer::contains(m, "\"gap\""), m.c_str());
        m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {"stem", "bn0", "conv1", "bn1", "fc"}, ""); });
        QVERIFY2(xfer::contains(m, "every layer"), m.c_str());
        m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {}, "fc"); });
        QVERIFY2(xfer::contains(m, "every layer"), m.c_str());
        m = xfer::invalidArgumentOf([&] { resolveFrozen(a, {"fc"}, "bn1"); });
        QVERIFY2(xfer::contains(m, "every layer"), m.c_str());
    }

    // The module side of freezing, and the gradient norms of frozen layers (NaN rows).
    void frozenModuleAndGradientNorms() {
        torch::manual_seed(0);
        GraphModule model(parseDesign(test::tinyResidualDesign(8).toStdString()), 3);
        const size_t all = model->parameters().size();
        model->freeze({"stem", "bn0"});
        QCOMPARE(model->frozen(), std::set<std::string>({"stem", "bn0"}));
        QCOMPARE(model->trainableParameters().size(), all - 4);  // stem and bn0: weight and bias
        for (const auto& p : model->named_parameters()) {
            const bool frozen = p.key().rfind("stem.", 0) == 0 || p.key().rfind("bn0.", 0) == 0;
            QVERIFY2(p.value().requires_grad() != frozen, p.key().c_str());
        }
        // Frozen modules stay in evaluation mode whatever the model is switched to.
        auto child = [&](const std::string& id) { return *model->named_children().find(id); };
        model->eval();
        model->train();
        QVERIFY(model->is_training());
        QVERIFY(!child("bn0")->is_training());
        QVERIFY(!child("stem")->is_training());
        QVERIFY(child("bn1")->is_training());
        model->eval();
        QVERIFY(!child("bn1")->is_training());
        model->train(true);
        QVERIFY(!child("bn0")->is_training());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model->freeze({"nope"}));

        GradientNormsObserver norms;
        const torch::Tensor before = child("bn0")->named_buffers()["running_mean"].clone();
        for (int64_t step = 1; step <= 2; ++step) {
            const torch::Tensor loss =
                torch::nn::functional::cross_entropy(model->forward(torch::randn({4, 1, 8, 8})), torch::tensor({0, 1, 2, 0}, torch::kLong));
            loss.backward();
            norms.afterBackward(*model, step);
        }
        QVERIFY(child("bn0")->named_buffers()["running_mean"].equal(before));
        const GradientHistory h = norms.history();
        QCOMPARE(h.layers, std::vector<std::string>({"stem", "bn0", "conv1", "bn1", "fc"}));  // frozen rows stay
        QCOMPARE(h.steps.size(), size_t(2));
        QCOMPARE(h.norms.size(), size_t(10));
        for (size_t layer = 0; layer < h.layers.size(); ++layer)
            for (size_t s = 0; s < h.steps.size(); ++s) {
                const float v = h.norms[layer * h.steps.size() + s];
                const bool frozen = layer < 2;
                QVERIFY2(frozen ? std::isnan(v) : std::isfinite(v) && v > 0, h.layers[layer].c_str());
            }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TransferTest)
#include "test_transfer.moc"
