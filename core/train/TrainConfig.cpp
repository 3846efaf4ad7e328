#include "train/TrainConfig.h"

#include "data/Augmentation.h"
#include "data/ByteSize.h"

#include <set>
#include <stdexcept>

namespace strata {

const char* const TrainConfig::kResumeKeys[] = {"data",     "val",          "val_split", "batch_size",
                                                "optimizer", "lr",          "momentum",  "weight_decay",
                                                "schedule", "augment",      "seed",      "precision", "freeze",
                                                "freeze_through", "data_fraction", "class_weights", "sampler", nullptr};

void TrainConfig::validate() const {
    auto fail = [](const std::string& what) { throw std::invalid_argument(what); };
    if (data.empty()) fail("--data: a training image folder is required");
    if (epochs < 1 || epochs > 100000) fail("--epochs must be between 1 and 100000");
    if (batchSize < 1 || batchSize > 65536) fail("--batch-size must be between 1 and 65536");
    if (!std::set<std::string>{"sgd", "adam", "adamw"}.count(optimizer))
        fail("--optimizer must be sgd, adam or adamw, not \"" + optimizer + "\"");
    if (!(lr > 0 && lr <= 10)) fail("--lr must be in (0, 10]");
    if (!(momentum >= 0 && momentum < 1)) fail("--momentum must be in [0, 1)");
    if (!(weightDecay >= 0 && weightDecay <= 1)) fail("--weight-decay must be in [0, 1]");
    if (!std::set<std::string>{"none", "cosine", "step"}.count(schedule))
        fail("--schedule must be none, cosine or step, not \"" + schedule + "\"");
    parseAugment(augment);  // names the bad augmentation
    if (!std::set<std::string>{"none", "auto"}.count(classWeights))
        fail("--class-weights must be none or auto, not \"" + classWeights + "\"");
    if (!std::set<std::string>{"shuffle", "balanced"}.count(sampler))
        fail("--sampler must be shuffle or balanced, not \"" + sampler + "\"");
    if (!(valSplit >= 0 && valSplit < 1)) fail("--val-split must be in [0, 1)");
    if (valSplit > 0 && !val.empty()) fail("--val and --val-split exclude each other");
    if (!(dataFraction > 0 && dataFraction <= 1)) fail("--data-fraction must be in (0, 1]");
    if (threads < 0 || threads > 1024) fail("--threads must be between 1 and 1024");
    if (!std::set<std::string>{"fp32", "bf16", "auto"}.count(precision))
        fail("--precision must be fp32, bf16 or auto, not \"" + precision + "\"");
    if (worldSize < 1 || rank < 0 || rank >= worldSize) fail("RANK must be in [0, WORLD_SIZE)");
    if (!dataMemory.empty()) parseByteSize(dataMemory, "--data-memory");  // names the bad size

}

nlohmann::json TrainConfig::toJson() const {
    return {{"data", data},           {"val", val},
            {"val_split", valSplit},  {"test", test},
            {"data_fraction", dataFraction},
            {"epochs", epochs},       {"batch_size", batchSize},
            {"optimizer", optimizer}, {"lr", lr},
            {"momentum", momentum},   {"weight_decay", weightDecay},
            {"schedule", schedule},   {"augment", augment},
            {"seed", seed},           {"threads", threads},
            {"precision", precision}, {"world_size", worldSize},
            {"features", features},   {"probe_image", probeImage},
            {"init_from", initFrom},  {"restat", restat},
            {"freeze", freeze},       {"freeze_through", freezeThrough},
            {"class_weights", classWeights}, {"sampler", sampler},
            {"data_memory", dataMemory}};
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& j, TrainConfig c) {
    c.data = j.value("data", c.data);
    c.val = j.value("val", c.val);
    c.valSplit = j.value("val_split", c.valSplit);
    c.test = j.value("test", c.test);
    c.dataFraction = j.value("data_fraction", c.dataFraction);
    c.epochs = j.value("epochs", c.epochs);
    c.batchSize = j.value("batch_size", c.batchSize);
    c.optimizer = j.value("optimizer", c.optimizer);
    c.lr = j.value("lr", c.lr);
    c.momentum = j.value("momentum", c.momentum);
    c.weightDecay = j.value("weight_decay", c.weightDecay);
    c.schedule = j.value("schedule", c.schedule);
    c.augment = j.value("augment", c.augment);
    c.seed = j.value("seed", c.seed);
    c.threads = j.value("threads", c.threads);
    c.precision = j.value("precision", c.precision);
    c.worldSize = j.value("world_size", c.worldSize);
    c.features = j.value("features", c.features);
    c.probeImage = j.value("probe_image", c.probeImage);
    c.initFrom = j.value("init_from", c.initFrom);
    c.restat = j.value("restat", c.restat);
    c.freeze = j.value("freeze", c.freeze);
    c.freezeThrough = j.value("freeze_through", c.freezeThrough);
    c.classWeights = j.value("class_weights", c.classWeights);
    c.sampler = j.value("sampler", c.sampler);
    c.dataMemory = j.value("data_memory", c.dataMemory);
    return c;
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& j) { return fromJson(j, TrainConfig()); }

}  // namespace strata
