#pragma once
// The metrics JSON of docs/ARCHITECTURE.md §9 ("strata.metrics/1").
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace strata {

struct EpochRecord {
    int epoch = 0;
    double trainLoss = 0, trainAccuracy = 0;
    bool hasVal = false;
    double valLoss = 0, valAccuracy = 0;
    double seconds = 0, imagesPerSecond = 0;
    double learningRate = 0;
};

struct EvalRecord {
    double loss = 0, accuracy = 0;
    std::vector<double> perClassAccuracy;
    std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
};

struct MetricsSummary {
    std::string design;
    int64_t parameters = 0;
    std::vector<std::string> classes;
    int64_t seed = 0;
    int threads = 1;
    std::vector<EpochRecord> epochs;
    bool hasTest = false;
    EvalRecord test;
};

nlohmann::json metricsToJson(const MetricsSummary& m);
// Atomic write (temp + rename); throws std::runtime_error naming the path.
void writeJsonFile(const std::string& path, const nlohmann::json& j);

}  // namespace strata
