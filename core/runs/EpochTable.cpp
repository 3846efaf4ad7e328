#include "runs/EpochTable.h"

namespace strata {

namespace {

struct Column {
    const char* name;
    double EpochRecord::*field;  // nullptr: the epoch number (an int)
    bool validation;
};

const Column kColumns[] = {
    {"epoch", nullptr, false},
    {"train_loss", &EpochRecord::trainLoss, false},
    {"train_accuracy", &EpochRecord::trainAccuracy, false},
    {"val_loss", &EpochRecord::valLoss, true},
    {"val_accuracy", &EpochRecord::valAccuracy, true},
    {"seconds", &EpochRecord::seconds, false},
    {"images_per_second", &EpochRecord::imagesPerSecond, false},
    {"learning_rate", &EpochRecord::learningRate, false},
};

}  // namespace

void storeEpochs(const std::vector<EpochRecord>& epochs, RunData& run) {
    const bool hasVal = !epochs.empty() && epochs.front().hasVal;
    run.epochColumns.clear();
    run.epochMetrics.clear();
    for (const Column& c : kColumns) {
        if (c.validation && !hasVal) continue;
        run.epochColumns.push_back(c.name);
        auto& values = run.epochMetrics[c.name];
        for (const EpochRecord& e : epochs) values.push_back(c.field ? e.*c.field : double(e.epoch));
    }
}

std::vector<EpochRecord> loadEpochs(const RunData& run) {
    auto epochIt = run.epochMetrics.find("epoch");
    if (epochIt == run.epochMetrics.end()) return {};
    std::vector<EpochRecord> epochs(epochIt->second.size());
    const bool hasVal = run.epochMetrics.count("val_loss") > 0;
    for (size_t row = 0; row < epochs.size(); ++row) {
        EpochRecord& e = epochs[row];
        e.hasVal = hasVal;
        for (const Column& c : kColumns) {
            auto it = run.epochMetrics.find(c.name);
            const double v = it != run.epochMetrics.end() && row < it->second.size() ? it->second[row] : 0.0;
            if (c.field) e.*c.field = v;
            else e.epoch = int(v);
        }
    }
    return epochs;
}

}  // namespace strata
