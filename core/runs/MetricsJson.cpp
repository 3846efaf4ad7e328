#include "runs/MetricsJson.h"

#include "storage/AtomicFile.h"

#include <stdexcept>

namespace strata {

namespace {
nlohmann::json epochToJson(const EpochRecord& e) {
    nlohmann::json j = {{"epoch", e.epoch},
                        {"train_loss", e.trainLoss},
                        {"train_accuracy", e.trainAccuracy},
                        {"seconds", e.seconds},
                        {"images_per_second", e.imagesPerSecond},
                        {"learning_rate", e.learningRate}};
    // Absent rather than null or 0: a run without a validation split has no such numbers.
    if (e.hasVal) {
        j["val_loss"] = e.valLoss;
        j["val_accuracy"] = e.valAccuracy;
    }
    return j;
}
}  // namespace

nlohmann::json metricsToJson(const MetricsSummary& m) {
    nlohmann::json epochs = nlohmann::json::array();
    for (const auto& e : m.epochs) epochs.push_back(epochToJson(e));
    nlohmann::json j = {{"format", "strata.metrics/1"},
                        {"design", m.design},
                        {"parameters", m.parameters},
                        {"classes", m.classes},
                        {"seed", m.seed},
                        {"threads", m.threads},
                        {"epochs", std::move(epochs)}};
    if (m.hasTest) {
        j["test"] = {{"loss", m.test.loss},
                     {"accuracy", m.test.accuracy},
                     {"per_class_accuracy", m.test.perClassAccuracy},
                     {"confusion", m.test.confusion}};
    }
    return j;
}

void writeJsonFile(const std::string& path, const nlohmann::json& j) {
    // Replace invalid UTF-8 (class names come from file names) instead of failing the write.
    const std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    writeFileAtomic(path, text.data(), text.size());
}

}  // namespace strata
