// Experiments without training (docs/ARCHITECTURE.md §3, §9): experiment.json written and
// read back with every field (kind details, the fit), readExperimentFile's errors naming the
// field; the power-law fit on points with a known exponent; the scaling kind's fit over its
// variants; the variants kind's combinations of widths and settings, and its errors;
// experiment spec files read into the variants they describe, and their errors; a prepared
// folder listed as `strata train` commands; where an experiment goes when no folder is named.
#include "experiment/ExperimentFile.h"
#include "experiment/ExperimentKinds.h"
#include "experiment/ExperimentRunner.h"
#include "experiment/ExperimentSpec.h"
#include "runs/OutputFolders.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "support/RunFixtures.h"
#include "support/TestData.h"

using namespace strata;
using nlohmann::json;

namespace {

QString efText(const std::string& s) { return QString::fromStdString(s); }

// What `f` throws as std::invalid_argument, or "" when it throws nothing.
QString efInvalid(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

// What `f` throws as ExperimentError, or "" when it throws nothing.
QString efExperimentError(const std::function<void()>& f) {
    try {
        f();
    } catch (const ExperimentError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

void efWrite(const QString& path, const std::string& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    std::ofstream(path.toStdString()) << text;
}

ExperimentVariant efVariant(const std::string& name, const std::string& status, int64_t parameters, json metrics,
                            json details) {
    ExperimentVariant v;
    v.name = name;
    v.run = name + ".h5";
    v.design = name + ".strata.json";
    v.status = status;
    v.parameters = parameters;
    v.metrics = std::move(metrics);
    v.details = std::move(details);
    return v;
}

// A scaling experiment's variants: error 0.5 at 100 parameters, 0.25 at 400 (b = 0.5); error
// 0.5 at 30 images, 0.25 at 60 (b = 1).
Experiment efScalingExperiment() {
    Experiment e;
    e.kind = "scaling";
    e.spec = {{"design", "tiny"}, {"widths", {0.5, 1.0}}, {"fractions", {0.5}}};
    e.variants = {efVariant("w0.5", "done", 100, {{"train_accuracy", 0.9}, {"test_accuracy", 0.5}},
                            {{"width", 0.5}, {"fraction", 1.0}, {"images", 60}}),
                  efVariant("w1", "done", 400, {{"train_accuracy", 0.1}, {"val_accuracy", 0.75}},
                            {{"width", 1.0}, {"fraction", 1.0}, {"images", 60}}),
                  efVariant("w1-f0.5", "done", 400, {{"train_accuracy", 0.5}},
                            {{"width", 1.0}, {"fraction", 0.5}, {"images", 30}})};
    return e;
}

}  // namespace

class TestExperimentFile : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_;  // 3 classes x 10 images, 8x8 gray

    QString path(const QString& name) const { return tmp_.filePath(name); }

    // A spec file in its own folder, which also holds the data (as "data") and the tiny CNN.
    QString writeSpec(const QString& folder, const json& spec) {
        const QString file = path(folder + "/spec.json");
        efWrite(file, spec.dump(2));
        return file;
    }
    json baseSpec(const std::string& kind) const {
        return {{"format", kExperimentSpecFormat},
                {"kind", kind},
                {"training", {{"data", "../data"}, {"epochs", 2}, {"lr", 0.01}, {"batch_size", 12}}}};
    }
    void expectSpecError(const QString& folder, const json& spec, const QString& what) {
        const QString file = writeSpec(folder, spec);
        const QString error = efExperimentError([&] { readExperimentSpec(file.toStdString()); });
        QVERIFY2(error.startsWith(file + ": "), qPrintable(error));
        QVERIFY2(error.contains(what), qPrintable(error + "  (expected: " + what + ")"));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        test::makeImageFolder(data_, {"a", "b", "c"}, 10, 8, 3);
    }

    void roundTripKeepsEverything() {
        Experiment e = efScalingExperiment();
        e.variants[1].status = "failed";
        e.variants[1].error = "the loss became NaN at epoch 1, batch 2";
        e.variants[0].config = {{"epochs", 3}, {"lr", 0.01}, {"data", "/x/data"}};
        e.variants[2].status = "running";
        finishExperiment(e);
        QVERIFY(e.fit.is_object());
        const QString file = path("roundtrip/experiment.json");
        QDir().mkpath(path("roundtrip"));
        QCOMPARE(efText(experimentFileIn(path("roundtrip").toStdString())), file);
        writeExperimentFile(file.toStdString(), e);

        const Experiment back = readExperimentFile(file.toStdString());
        QCOMPARE(efText(back.kind), QString("scaling"));
        QCOMPARE(back.spec, e.spec);
        QCOMPARE(back.fit, e.fit);
        QCOMPARE(back.variants.size(), e.variants.size());
        for (size_t i = 0; i < e.variants.size(); ++i) {
            const ExperimentVariant &a = e.variants[i], &b = back.variants[i];
            QCOMPARE(efText(b.name), efText(a.name));
            QCOMPARE(efText(b.run), efText(a.run));
            QCOMPARE(efText(b.design), efText(a.design));
            QCOMPARE(efText(b.status), efText(a.status));
            QCOMPARE(efText(b.error), efText(a.error));
            QCOMPARE(b.parameters, a.parameters);
            QCOMPARE(b.metrics, a.metrics);
            QCOMPARE(b.config, a.config);
            QCOMPARE(b.details, a.details);  // the kind's own keys, back from the top level of the variant
        }
        QCOMPARE(experimentToJson(back), experimentToJson(e));

        // On disk: the kind's keys sit beside the common ones; "error" only when failed; no fit
        // when there is none.
        const json j = json::parse(std::ifstream(file.toStdString()));
        QCOMPARE(j.at("format").get<std::string>(), std::string(kExperimentFormat));
        QCOMPARE(j.at("variants")[0].at("width").get<double>(), 0.5);
        QVERIFY(!j.at("variants")[0].contains("error"));
        QVERIFY(j.at("variants")[1].contains("error"));
        Experiment noFit = e;
        noFit.fit = json();
        QVERIFY(!experimentToJson(noFit).contains("fit"));
        writeExperimentFile(file.toStdString(), noFit);
        QVERIFY(readExperimentFile(file.toStdString()).fit.is_null());
    }

    void readErrorsNameTheField() {
        const std::string good = experimentToJson(efScalingExperiment()).dump();
        auto errorFor = [this](const QString& name, const std::string& text) {
            const QString file = path("bad/" + name + "/experiment.json");
            efWrite(file, text);
            const QString error = efExperimentError([&] { readExperimentFile(file.toStdString()); });
            return std::make_pair(file, error);
        };
        auto mutated = [&good](const std::function<void(json&)>& change) {
            json j = json::parse(good);
            change(j);
            return j.dump();
        };
        struct Case {
            QString name;
            std::string text;
            QString field;
        };
        const QList<Case> cases = {
            {"json", "{\"format\": ", "not valid JSON"},
            {"format", mutated([](json& j) { j["format"] = "strata.experiment/2"; }), ": format: "},
            {"noformat", mutated([](json& j) { j.erase("format"); }), ": format: "},
            {"kind", mutated([](json& j) { j["kind"] = 3; }), ": kind: "},
            {"variants", mutated([](json& j) { j["variants"] = {{"name", "x"}}; }), ": variants: missing or not a list"},
            {"novariants", mutated([](json& j) { j.erase("variants"); }), ": variants: missing or not a list"},
            {"variant", mutated([](json& j) { j["variants"][1] = 7; }), ": variants[1]: not an object"},
            {"name", mutated([](json& j) { j["variants"][0].erase("name"); }), ": variants[0].name: "},
            {"run", mutated([](json& j) { j["variants"][2]["run"] = 1; }), ": variants[2].run: "},
            {"status", mutated([](json& j) { j["variants"][1]["status"] = "finished"; }),
             ": variants[1].status: \"finished\" is not pending, running, done or failed"},
            {"repeat", mutated([](json& j) { j["variants"][2]["name"] = "w0.5"; }), ": variants[2].name: \"w0.5\" repeats"},
            {"parameters", mutated([](json& j) { j["variants"][0]["parameters"] = "many"; }), ": variants[0].parameters: "},
            {"metrics", mutated([](json& j) { j["variants"][0]["metrics"] = {1, 2}; }), ": variants[0].metrics: "},
            {"config", mutated([](json& j) { j["variants"][0]["config"] = "fast"; }), ": variants[0].config: "},
            {"error", mutated([](json& j) { j["variants"][0]["error"] = 5; }), ": variants[0].error: "},
        };
        for (const Case& c : cases) {
            const auto [file, error] = errorFor(c.name, c.text);
            QVERIFY2(error.startsWith(file + ":"), qPrintable(c.name + ": " + error));
            QVERIFY2(error.contains(c.field), qPrintable(c.name + ": " + error + "  (expected: " + c.field + ")"));
        }
        // No file: the folder is not an experiment.
        const QString missing = path("bad/none/experiment.json");
        const QString error = efExperimentError([&] { readExperimentFile(missing.toStdString()); });
        QVERIFY2(error.startsWith(missing + ": ") && error.contains("no experiment file"), qPrintable(error));
        // The unmutated text reads.
        const auto [file, none] = errorFor("good", good);
        QVERIFY2(none.isEmpty(), qPrintable(none));
    }

    void powerLawFitFindsTheExponent() {
        const std::vector<double> x = {10, 100, 1000, 10000, 3e5};
        std::vector<double> exact, noisy;
        const double noise[] = {1.1, 0.92, 1.04, 0.97, 1.06};
        for (size_t i = 0; i < x.size(); ++i) {
            exact.push_back(3 * std::pow(x[i], -0.4));
            noisy.push_back(exact.back() * noise[i]);
        }
        const PowerLawFit f = fitPowerLaw(x, exact);
        QCOMPARE(f.points, 5);
        QVERIFY2(std::abs(f.a - 3) < 1e-9, qPrintable(QString::number(f.a, 'g', 17)));
        QVERIFY2(std::abs(f.b - 0.4) < 1e-12, qPrintable(QString::number(f.b, 'g', 17)));
        QVERIFY2(std::abs(f.r2 - 1) < 1e-12, qPrintable(QString::number(f.r2, 'g', 17)));

        const PowerLawFit n = fitPowerLaw(x, noisy);
        QCOMPARE(n.points, 5);
        QVERIFY2(n.r2 < 1 && n.r2 > 0.9, qPrintable(QString::number(n.r2, 'g', 17)));
        QVERIFY2(std::abs(n.b - 0.4) < 0.05, qPrintable(QString::number(n.b)));

        // An error that grows with x: a negative exponent, still a perfect line.
        const PowerLawFit up = fitPowerLaw({1, 2, 4}, {0.1, 0.2, 0.4});
        QVERIFY(std::abs(up.b + 1) < 1e-12 && std::abs(up.a - 0.1) < 1e-12 && std::abs(up.r2 - 1) < 1e-12);
        // Flat errors: b = 0, and nothing left to explain counts as a perfect fit.
        const PowerLawFit flat = fitPowerLaw({1, 2, 4}, {0.3, 0.3, 0.3});
        QVERIFY(std::abs(flat.b) < 1e-12 && std::abs(flat.a - 0.3) < 1e-12);
        QCOMPARE(flat.r2, 1.0);

        // Points with x <= 0 or error <= 0 (a perfect accuracy) are left out; under two: no fit.
        for (const auto& [xs, es] : std::vector<std::pair<std::vector<double>, std::vector<double>>>{
                 {{}, {}}, {{10}, {0.5}}, {{0, 10, 100}, {0.5, 0, 0.2}}, {{10, 100}, {0.5}}}) {
            const PowerLawFit none = fitPowerLaw(xs, es);
            QVERIFY(none.points < 2);
            QCOMPARE(none.a, 0.0);
            QCOMPARE(none.b, 0.0);
            QCOMPARE(none.r2, 0.0);
        }
        // Two points at the same x: no slope to fit.
        const PowerLawFit same = fitPowerLaw({10, 10}, {0.5, 0.4});
        QCOMPARE(same.points, 2);
        QCOMPARE(same.b, 0.0);
    }

    void scalingFitUsesBothLines() {
        Experiment e = efScalingExperiment();
        finishExperiment(e);
        QVERIFY(e.fit.is_object());
        QCOMPARE(e.fit.size(), size_t(2));
        const json& p = e.fit.at("parameters");
        const json& im = e.fit.at("images");
        // parameters: the full-data variants, by test, else validation accuracy.
        QCOMPARE(p.at("points").get<int>(), 2);
        QVERIFY2(std::abs(p.at("b").get<double>() - 0.5) < 1e-12, p.dump().c_str());
        QVERIFY2(std::abs(p.at("a").get<double>() - 5) < 1e-9, p.dump().c_str());
        // images: the width-1 variants, by validation (w1), else train accuracy (w1-f0.5).
        QCOMPARE(im.at("points").get<int>(), 2);
        QVERIFY2(std::abs(im.at("b").get<double>() - 1) < 1e-12, im.dump().c_str());
        QVERIFY2(std::abs(im.at("a").get<double>() - 15) < 1e-9, im.dump().c_str());

        // A variant not done is left out; other kinds get no fit.
        e.variants[0].status = "failed";
        finishExperiment(e);
        QCOMPARE(e.fit.at("parameters").at("points").get<int>(), 1);
        QCOMPARE(e.fit.at("images").at("points").get<int>(), 2);
        Experiment other = efScalingExperiment();
        other.kind = "stabilizers";
        finishExperiment(other);
        QVERIFY(other.fit.is_null());
    }

    void stabilizerSpecGivesFourVariants() {
        json spec = baseSpec("stabilizers");
        spec["stabilizers"] = {{"depth", 3}, {"width", 4}, {"activation", "Tanh"}};
        spec["out"] = "results/stab";
        spec["training"]["val_split"] = 0.25;
        const QString file = writeSpec("stab", spec);
        const ExperimentSpec s = readExperimentSpec(file.toStdString());
        QCOMPARE(efText(s.plan.kind), QString("stabilizers"));
        QCOMPARE(efText(s.out), path("stab/results/stab"));
        QCOMPARE(s.plan.variants.size(), size_t(4));
        const QStringList names{"plain", "batchnorm", "residual", "both"};
        for (int i = 0; i < 4; ++i) {
            const PlannedVariant& v = s.plan.variants[size_t(i)];
            QCOMPARE(efText(v.record.name), names[i]);
            QCOMPARE(v.record.details.at("batchnorm").get<bool>(), i == 1 || i == 3);
            QCOMPARE(v.record.details.at("residual").get<bool>(), i >= 2);
            // Paths relative to the spec's folder; the settings as given; features on.
            QCOMPARE(efText(v.config.data), data_);
            QCOMPARE(v.config.epochs, 2);
            QCOMPARE(v.config.lr, 0.01);
            QCOMPARE(v.config.batchSize, 12);
            QCOMPARE(v.config.valSplit, 0.25);
            QVERIFY(v.config.features);
            // The stack: 8x8 gray input (the data's), three blocks of Tanh.
            const auto node = [&v](const std::string& id) { return v.design.findNode(id); };
            QVERIFY(node("in") && node("b3_conv") && !node("b4_conv"));
            QCOMPARE(node("in")->params.at("height").get<int>(), 8);
            QCOMPARE(node("in")->params.at("channels").get<int>(), 1);
            QCOMPARE(efText(node("b1_act")->type), QString("Tanh"));
            QCOMPARE(node("b2_bn") != nullptr, i == 1 || i == 3);
            QCOMPARE(node("b2_add") != nullptr, i >= 2);
        }
        QCOMPARE(s.plan.spec.at("depth").get<int>(), 3);

        // input_size replaces the data's size.
        spec["stabilizers"]["input_size"] = "12x10";
        const ExperimentSpec sized = readExperimentSpec(writeSpec("stab-sized", spec).toStdString());
        for (const Node& n : sized.plan.variants[0].design.nodes)
            if (n.id == "in") QCOMPARE(n.params.at("width").get<int>(), 10);
    }

    void scalingSpecGivesWidthsAndFractions() {
        json spec = baseSpec("scaling");
        spec["scaling"] = {{"design", "designs/tiny.strata.json"}, {"widths", {0.5, 1, 2}}, {"fractions", {0.3, 1}}};
        test::writeText(path("scale/designs/tiny.strata.json"), test::tinyCnnDesign(8));
        const QString file = writeSpec("scale", spec);
        const ExperimentSpec s = readExperimentSpec(file.toStdString());
        QCOMPARE(efText(s.plan.kind), QString("scaling"));
        QVERIFY(s.out.empty());
        // Fraction 1 at width 1 is "w1" itself.
        QStringList names;
        for (const PlannedVariant& v : s.plan.variants) names << efText(v.record.name);
        QCOMPARE(names, QStringList({"w0.5", "w1", "w2", "w1-f0.3"}));
        const PlannedVariant& half = s.plan.variants[0];
        const PlannedVariant& part = s.plan.variants[3];
        QCOMPARE(half.record.details.at("width").get<double>(), 0.5);
        QCOMPARE(half.record.details.at("images").get<int64_t>(), int64_t(30));
        QCOMPARE(half.config.dataFraction, 1.0);
        QCOMPARE(part.record.details.at("fraction").get<double>(), 0.3);
        QCOMPARE(part.record.details.at("images").get<int64_t>(), int64_t(9));  // 3 of each class's 10
        QCOMPARE(part.config.dataFraction, 0.3);
        QCOMPARE(efText(part.config.data), data_);
        // The widths: conv1 scaled, the head left to the classes.
        const auto outChannels = [](const Design& d) {
            for (const Node& n : d.nodes)
                if (n.id == "conv1") return n.params.at("out_channels").get<int>();
            return -1;
        };
        QCOMPARE(outChannels(half.design), 4);
        QCOMPARE(outChannels(s.plan.variants[2].design), 16);
        QCOMPARE(outChannels(part.design), 8);
        QCOMPARE(efText(half.design.name), QString("tiny-cnn-w0.5"));
    }

    // Every combination of the widths and the settings' values, widths first and the settings
    // in a fixed order; names from the lists with several values; the rest of the settings shared.
    void variantsPlanCombinesWidthsAndSettings() {
        const Design design = loadDesign(test::writeText(path("var/tiny.strata.json"), test::tinyCnnDesign(8)).toStdString());
        TrainConfig base;
        base.data = data_.toStdString();
        base.seed = 5;
        base.epochs = 2;
        VariantAxes axes;
        axes.widths = {0.5, 1};
        // Given in another order than they name the variants: optimizer before lr.
        axes.settings["lr"] = {0.01};
        axes.settings["optimizer"] = {"sgd", "adam"};
        const ExperimentPlan plan = variantsPlan(design, axes, base);
        QCOMPARE(efText(plan.kind), QString("variants"));
        QStringList names;
        for (const PlannedVariant& v : plan.variants) names << efText(v.record.name);
        QCOMPARE(names, QStringList({"w0.5-sgd", "w0.5-adam", "w1-sgd", "w1-adam"}));
        for (size_t i = 0; i < 4; ++i) {
            const PlannedVariant& v = plan.variants[i];
            QCOMPARE(v.config.lr, 0.01);
            QCOMPARE(efText(v.config.optimizer), i % 2 ? QString("adam") : QString("sgd"));
            QCOMPARE(v.config.seed, 5);
            QCOMPARE(v.config.epochs, 2);
            // What tells it apart: the lr, the same for all, is no detail.
            QCOMPARE(v.record.details, json({{"width", i < 2 ? 0.5 : 1.0}, {"optimizer", v.config.optimizer}}));
            QCOMPARE(v.design.findNode("conv1")->params.at("out_channels").get<int>(), i < 2 ? 4 : 8);
        }
        QCOMPARE(plan.spec.at("settings"), json({{"lr", {0.01}}, {"optimizer", {"sgd", "adam"}}}));
        QCOMPARE(plan.spec.at("training").at("seed").get<int>(), 5);

        // No widths: the design as it is. A lone variant is named by all its values.
        VariantAxes lone;
        lone.settings["batch_size"] = {32};
        lone.settings["data_fraction"] = {0.5};
        const ExperimentPlan one = variantsPlan(design, lone, base);
        QCOMPARE(one.variants.size(), size_t(1));
        QCOMPARE(efText(one.variants[0].record.name), QString("f0.5-b32"));
        QCOMPARE(one.variants[0].config.batchSize, 32);
        QCOMPARE(one.variants[0].config.dataFraction, 0.5);
        QCOMPARE(one.variants[0].record.details, json({{"batch_size", 32}, {"data_fraction", 0.5}}));
        QCOMPARE(efText(one.variants[0].design.name), efText(design.name));

        // Errors name the setting or the option, before any variant is made.
        const auto error = [&design, &base](VariantAxes a) { return efInvalid([&] { variantsPlan(design, a, base); }); };
        QVERIFY(error(VariantAxes()).contains("at least one"));
        VariantAxes bad;
        bad.settings["data"] = {"elsewhere"};
        QVERIFY2(error(bad).startsWith("data: not a setting the variants can differ in"), qPrintable(error(bad)));
        bad.settings = {{"lr", {"fast"}}};
        QVERIFY2(error(bad).startsWith("lr: \"fast\" is not a number"), qPrintable(error(bad)));
        bad.settings = {{"batch_size", {8.5}}};
        QVERIFY2(error(bad).startsWith("batch_size: 8.5 is not a whole number"), qPrintable(error(bad)));
        bad.settings = {{"optimizer", {"sgd", "sgd"}}};
        QVERIFY2(error(bad).startsWith("optimizer: repeats the value \"sgd\""), qPrintable(error(bad)));
        bad.settings = {{"lr", {0.01, 50}}};
        QVERIFY2(error(bad).startsWith("--lr must be in (0, 10]"), qPrintable(error(bad)));
        bad.settings.clear();
        bad.widths = {1, 0.5, 1};
        QVERIFY2(error(bad).startsWith("widths: repeats the value 1"), qPrintable(error(bad)));
    }

    void variantsSpecNamesItsDesign() {
        json spec = baseSpec("variants");
        spec["variants"] = {{"design", "designs/tiny.strata.json"},
                            {"widths", {2}},
                            {"settings", {{"lr", {0.1, 0.01}}, {"batch_size", {4}}}}};
        const QString design = test::writeText(path("vspec/designs/tiny.strata.json"), test::tinyCnnDesign(8));
        const ExperimentSpec s = readExperimentSpec(writeSpec("vspec", spec).toStdString());
        QCOMPARE(efText(s.design), design);
        QCOMPARE(efText(s.plan.kind), QString("variants"));
        QStringList names;
        for (const PlannedVariant& v : s.plan.variants) names << efText(v.record.name);
        QCOMPARE(names, QStringList({"lr0.1", "lr0.01"}));
        QCOMPARE(s.plan.variants[1].config.batchSize, 4);
        QCOMPARE(efText(s.plan.variants[1].config.data), data_);

        json j = spec;
        j["variants"]["settings"]["lr"] = 0.1;
        expectSpecError("vspec", j, ": variants.settings.lr: not a list of values");
        j = spec;
        j["variants"]["settings"] = {{"seeds", {1, 2}}};
        expectSpecError("vspec", j, ": variants: seeds: not a setting the variants can differ in");
        j = spec;
        j["variants"]["grid"] = true;
        expectSpecError("vspec", j, ": variants.grid: unknown field");
        j = spec;
        j["variants"].erase("design");
        expectSpecError("vspec", j, ": variants.design: missing");
        // The other kinds name their design file too; stabilizers have none.
        json scaling = baseSpec("scaling");
        scaling["scaling"] = {{"design", "designs/tiny.strata.json"}, {"widths", {1}}};
        QCOMPARE(efText(readExperimentSpec(writeSpec("vspec", scaling).toStdString()).design), design);
        QVERIFY(readExperimentSpec(writeSpec("vspec", baseSpec("stabilizers")).toStdString()).design.empty());
    }

    // With no folder named, an experiment goes to experiments/<kind>-<time> in the folder that
    // holds the design's runs: beside a design file, else in $XDG_DATA_HOME/strata (also for a
    // template or a folder that cannot be written); never into an existing folder.
    void defaultFolderIsBesideTheDesignElseTheDataHome() {
        const QByteArray saved = qgetenv("XDG_DATA_HOME");
        const QString xdg = path("xdg");
        qputenv("XDG_DATA_HOME", xdg.toUtf8());
        QCOMPARE(efText(userDataFolder()), xdg + "/strata");
        const QString design = test::writeText(path("beside/net.strata.json"), test::tinyCnnDesign(8));
        const QString beside = QFileInfo(path("beside")).canonicalFilePath();
        QCOMPARE(efText(designOutputFolder(design.toStdString())), beside);
        QCOMPARE(efText(defaultRunsFolder(design.toStdString())), beside + "/runs");
        const QRegularExpression stamp("^" + QRegularExpression::escape(beside) + "/experiments/scaling-\\d{8}-\\d{6}$");
        const QString folder = efText(defaultExperimentFolder(design.toStdString(), "scaling"));
        QVERIFY2(stamp.match(folder).hasMatch(), qPrintable(folder));
        QVERIFY(efText(defaultExperimentFolder("", "stabilizers")).startsWith(xdg + "/strata/experiments/stabilizers-"));
        const QString templ = test::writeText(path("repo/resources/templates/net.strata.json"), test::tinyCnnDesign(8));
        QVERIFY(efText(defaultExperimentFolder(templ.toStdString(), "variants")).startsWith(xdg + "/strata/experiments/variants-"));
        QVERIFY(efText(defaultExperimentFolder(path("missing/net.strata.json").toStdString(), "scaling")).startsWith(xdg + "/"));
        // A folder that exists already is skipped (two starts within one second).
        QDir().mkpath(folder);
        const QString next = efText(defaultExperimentFolder(design.toStdString(), "scaling"));
        QVERIFY2(next == folder + "-2" || (stamp.match(next).hasMatch() && next != folder), qPrintable(next));
        // XDG_DATA_HOME unset or relative: ~/.local/share.
        qputenv("XDG_DATA_HOME", "relative/share");
        QCOMPARE(efText(userDataFolder()), QDir::homePath() + "/.local/share/strata");
        qunsetenv("XDG_DATA_HOME");
        QCOMPARE(efText(userDataFolder()), QDir::homePath() + "/.local/share/strata");
        if (!saved.isEmpty()) qputenv("XDG_DATA_HOME", saved);
        QVERIFY(QRegularExpression("^\\d{8}-\\d{6}$").match(efText(localTimestamp())).hasMatch());
    }

    void specErrorsNameTheField() {
        test::writeText(path("errs/tiny.strata.json"), test::tinyCnnDesign(8));
        json scaling = baseSpec("scaling");
        scaling["scaling"] = {{"design", "tiny.strata.json"}, {"widths", {1}}};
        // The base spec is good.
        QVERIFY(efExperimentError([&] { readExperimentSpec(writeSpec("errs", scaling).toStdString()); }).isEmpty());

        json j = scaling;
        j["bogus"] = 1;
        expectSpecError("errs", j, ": bogus: unknown field");
        j = scaling;
        j["training"]["epoch"] = 2;
        expectSpecError("errs", j, ": training.epoch: unknown field");
        j = scaling;
        j["training"]["run"] = "x.h5";  // the runner places the runs
        expectSpecError("errs", j, ": training.run: unknown field");
        j = scaling;
        j["training"]["epochs"] = "2";
        expectSpecError("errs", j, ": training.epochs: wrong type");
        j = scaling;
        j["training"]["lr"] = 50;
        expectSpecError("errs", j, ": training: ");
        j = scaling;
        j["training"] = {1, 2};
        expectSpecError("errs", j, ": training: not an object");
        j = scaling;
        j["kind"] = "sideways";
        expectSpecError("errs", j, ": kind: \"sideways\" is not stabilizers, scaling, transfer or variants");
        j = scaling;
        j.erase("kind");
        expectSpecError("errs", j, ": kind: missing");
        j = scaling;
        j["format"] = "strata.experiment/1";
        expectSpecError("errs", j, ": format: ");
        j = scaling;
        j["scaling"].erase("design");
        expectSpecError("errs", j, ": scaling.design: missing");
        j = scaling;
        j.erase("scaling");
        expectSpecError("errs", j, ": scaling: missing");
        j = scaling;
        j["scaling"]["widths"] = {"wide"};
        expectSpecError("errs", j, ": scaling.widths: not a list of numbers");
        j = scaling;
        j["scaling"]["widths"] = json::array();
        expectSpecError("errs", j, ": scaling.widths: not a list of numbers");
        j = scaling;
        j["scaling"]["depth"] = 3;
        expectSpecError("errs", j, ": scaling.depth: unknown field");
        j = scaling;
        j["out"] = 7;
        expectSpecError("errs", j, ": out: not a path");
        j = baseSpec("stabilizers");
        j["stabilizers"] = {{"depth", "deep"}};
        expectSpecError("errs", j, ": stabilizers.depth: ");
        j["stabilizers"] = {{"input_size", "big"}};
        expectSpecError("errs", j, ": stabilizers.input_size: ");
        j["stabilizers"] = {{"blocks", 3}};
        expectSpecError("errs", j, ": stabilizers.blocks: unknown field");
        j = baseSpec("transfer");
        j["transfer"] = json::object();
        expectSpecError("errs", j, ": transfer.design: missing");
        // The kinds' own checks, under the kind's name.
        j["transfer"] = {{"design", "tiny.strata.json"}};
        expectSpecError("errs", j, ": transfer: a transfer sweep needs --init-from");
        j = scaling;
        j["scaling"]["widths"] = {1, 0.5, 1};
        expectSpecError("errs", j, ": scaling: --widths: repeats a value (variant \"w1\")");
        j = scaling;
        j["scaling"]["fractions"] = {0.5, 0.5};
        expectSpecError("errs", j, ": scaling: --fractions: repeats a value (variant \"w1-f0.5\")");
        j = scaling;
        j["scaling"]["widths"] = {-1};
        expectSpecError("errs", j, ": scaling: ");
        j = baseSpec("stabilizers");
        j["stabilizers"] = {{"depth", 0}};
        expectSpecError("errs", j, ": stabilizers: --depth must be between 1 and 200");

        // Not JSON, and no file at all.
        const QString broken = path("errs/broken.json");
        efWrite(broken, "{\"format\": ");
        QVERIFY(efExperimentError([&] { readExperimentSpec(broken.toStdString()); }).startsWith(broken + ": "));
        const QString missing = path("errs/missing.json");
        QVERIFY(efExperimentError([&] { readExperimentSpec(missing.toStdString()); }).startsWith(missing + ": "));
    }

    void preparedFolderListsTrainCommands() {
        json spec = baseSpec("scaling");
        spec["scaling"] = {{"design", "tiny.strata.json"}, {"widths", {0.5, 1}}, {"fractions", {0.5}}};
        spec["training"]["seed"] = 4;
        test::writeText(path("cmds/tiny.strata.json"), test::tinyCnnDesign(8));
        const ExperimentSpec s = readExperimentSpec(writeSpec("cmds", spec).toStdString());
        const std::string dir = path("cmds/exp").toStdString();
        const Experiment prepared = ExperimentRunner(dir, 1, {}).prepare(s.plan);
        QCOMPARE(prepared.variants.size(), size_t(3));
        for (const ExperimentVariant& v : prepared.variants) {
            QCOMPARE(efText(v.status), QString("pending"));
            QVERIFY(QFileInfo::exists(efText(dir + "/" + v.design)));
        }
        // What was written reads back as the plan: designs and settings.
        const std::vector<PlannedVariant> stored = storedVariants(dir, readExperimentFile(experimentFileIn(dir)));
        QCOMPARE(stored.size(), size_t(3));
        QCOMPARE(stored[2].config.dataFraction, 0.5);
        QCOMPARE(stored[0].design.nodes.size(), s.plan.variants[0].design.nodes.size());

        const std::vector<std::string> commands = trainCommands(dir);
        QCOMPARE(commands.size(), size_t(3));
        const QStringList names{"w0.5", "w1", "w1-f0.5"};
        for (int i = 0; i < 3; ++i) {
            const QString c = efText(commands[size_t(i)]);
            const QString folder = efText(dir);
            QVERIFY2(c.startsWith("strata train '" + folder + "/" + names[i] + ".strata.json' "), qPrintable(c));
            QVERIFY2(c.endsWith(" --run '" + folder + "/" + names[i] + ".h5'"), qPrintable(c));
            // The settings that differ from train's defaults, and only those.
            for (const QString& option : {"--data '" + data_ + "'", QString("--epochs 2"), QString("--lr 0.01"),
                                          QString("--batch-size 12"), QString("--seed 4")})
                QVERIFY2(c.contains(" " + option), qPrintable(c + "  (expected: " + option + ")"));
            for (const QString& option : {"--optimizer", "--momentum", "--schedule", "--features", "--threads", "--val"})
                QVERIFY2(!c.contains(option + " ") && !c.endsWith(option), qPrintable(c + "  (unexpected: " + option + ")"));
            QCOMPARE(c.contains(" --data-fraction 0.5"), i == 2);
        }
        // A second prepare into the same folder is refused.
        const QString again = efExperimentError([&] { ExperimentRunner(dir, 1, {}).prepare(s.plan); });
        QVERIFY2(again.contains("already holds an experiment"), qPrintable(again));
        // So are two variants of one name (they would share their files).
        ExperimentPlan twice = s.plan;
        twice.variants[1].record.name = twice.variants[0].record.name;
        const QString repeated = efExperimentError([&] { ExperimentRunner(path("cmds/twice").toStdString(), 1, {}).prepare(twice); });
        QVERIFY2(repeated.contains("\"w0.5\" is empty or repeats"), qPrintable(repeated));
        QVERIFY(!QFileInfo::exists(path("cmds/twice/experiment.json")));
    }

    // collectExperiment reads the runs trained by those commands: complete (done), short of
    // the asked epochs (running), unreadable (failed, naming the file).
    void collectReadsRunsTrainedElsewhere() {
        json spec = baseSpec("scaling");
        spec["scaling"] = {{"design", "tiny.strata.json"}, {"widths", {0.5, 1}}, {"fractions", {0.5}}};
        test::writeText(path("collect/tiny.strata.json"), test::tinyCnnDesign(8));
        const ExperimentSpec s = readExperimentSpec(writeSpec("collect", spec).toStdString());
        const std::string dir = path("collect/exp").toStdString();
        Experiment e = ExperimentRunner(dir, 1, {}).prepare(s.plan);
        e.variants[0].config["epochs"] = 3;  // the run below has 2
        e.variants[1].status = "failed";     // an earlier failure, since trained again by hand
        e.variants[1].error = "the loss became NaN at epoch 1, batch 1";
        writeExperimentFile(experimentFileIn(dir), e);
        const QString folder = efText(dir);
        test::writeValidRun(folder + "/w0.5.h5");
        test::writeValidRun(folder + "/w1.h5");
        efWrite(folder + "/w1-f0.5.h5", "not a run file");

        const Experiment c = collectExperiment(dir);
        QCOMPARE(experimentToJson(c), experimentToJson(readExperimentFile(experimentFileIn(dir))));  // written
        QCOMPARE(efText(c.variants[0].status), QString("running"));
        QCOMPARE(c.variants[0].metrics, json({{"train_accuracy", 0.7}}));
        QCOMPARE(efText(c.variants[1].status), QString("done"));
        QVERIFY2(c.variants[1].error.empty(), c.variants[1].error.c_str());
        QCOMPARE(c.variants[1].metrics, json({{"train_accuracy", 0.7}}));
        QCOMPARE(efText(c.variants[2].status), QString("failed"));
        QVERIFY2(efText(c.variants[2].error).contains(folder + "/w1-f0.5.h5"), c.variants[2].error.c_str());
        // The fit over what is done: w1 alone, on the images line (the fixture's run records no
        // parameter count, so it has no x on the parameters line).
        QCOMPARE(c.variants[1].parameters, int64_t(0));
        QCOMPARE(c.fit.at("parameters").at("points").get<int>(), 0);
        QCOMPARE(c.fit.at("images").at("points").get<int>(), 1);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestExperimentFile)
#include "test_experiment_file.moc"
