// Training settings: validation names the field; the run file's /config reads back into the
// same settings (what resuming a run from the studio relies on).
#include <QtTest>

#include "train/TrainConfig.h"

using namespace strata;

class TrainConfigTest : public QObject {
    Q_OBJECT
private slots:
    void jsonRoundTrip() {
        TrainConfig c;
        c.data = "/data/train";
        c.val = "/data/val";
        c.test = "/data/test";
        c.epochs = 7;
        c.batchSize = 32;
        c.optimizer = "sgd";
        c.lr = 0.05;
        c.momentum = 0.8;
        c.weightDecay = 1e-4;
        c.schedule = "cosine";
        c.augment = "flip+crop";
        c.seed = 42;
        c.threads = 3;
        const TrainConfig back = TrainConfig::fromJson(c.toJson());
        QCOMPARE(back.toJson(), c.toJson());
        // Keys a file lacks keep the base's values.
        TrainConfig base;
        base.epochs = 99;
        QCOMPARE(TrainConfig::fromJson(nlohmann::json::object(), base).epochs, 99);
    }

    void validationNamesTheField_data() {
        QTest::addColumn<QString>("field");
        QTest::newRow("epochs") << "--epochs";
        QTest::newRow("batch") << "--batch-size";
        QTest::newRow("optimizer") << "--optimizer";
        QTest::newRow("lr") << "--lr";
        QTest::newRow("split") << "--val-split";
    }

    void validationNamesTheField() {
        QFETCH(QString, field);
        TrainConfig c;
        c.data = "x";
        c.validate();  // the defaults are valid
        if (field == "--epochs") c.epochs = 0;
        if (field == "--batch-size") c.batchSize = 0;
        if (field == "--optimizer") c.optimizer = "rmsprop";
        if (field == "--lr") c.lr = -1;
        if (field == "--val-split") c.valSplit = 1.5;
        try {
            c.validate();
            QFAIL("expected std::invalid_argument");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains(field), e.what());
        }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TrainConfigTest)
#include "test_train_config.moc"
