// The data-parallel engine pieces, two ranks as two threads of this process over a real
// Gloo process group on loopback: bucketing, the bucketed all-reduce and broadcast, gradient
// averaging, the per-step agreement (mean loss, NaN and stop everywhere), BatchNorm buffer
// averaging; and the shard arithmetic.
#include <QtTest>


#include <cmath>
#include <exception>
#include <functional>
#include <set>
#include <thread>

// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include "compile/GraphModule.h"
#include "design/Design.h"
#include "dist/Buckets.h"
#include "dist/Communicator.h"
#include "dist/DataParallel.h"
#include "support/FreePort.h"
#include "support/TestData.h"
#include "train/Shard.h"
#endif

using namespace strata;
using strata::test::freePort;

namespace {

// Runs body(rank, communicator) on two threads that form one group; rethrows the first error.
void onTwoRanks(const std::function<void(int, std::shared_ptr<Communicator>)>& body) {
    const int port = freePort();
    std::exception_ptr errors[2];
    std::thread threads[2];
    for (int r = 0; r < 2; ++r) {
        threads[r] = std::thread([&, r] {
            try {
                Rendezvous where;
                where.address = "127.0.0.1";
                where.port = port;
                where.rank = r;
                where.worldSize = 2;
                where.timeout = std::chrono::milliseconds(20000);
                body(r, std::make_shared<Communicator>(where));
            } catch (...) {
                errors[r] = std::current_exception();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

GraphModule residualModule() {
    return GraphModule(parseDesign(test::tinyResidualDesign(8).toStdString()), 3);
}

bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) { return a.sizes() == b.sizes() && a.equal(b); }

}  // namespace

class DataParallelTest : public QObject {
    Q_OBJECT

private slots:
    void shardsAreEqualDisjointAndCoverAllButTheRemainder() {
        std::vector<int64_t> order(103);
        for (size_t i = 0; i < order.size(); ++i) order[i] = int64_t(order.size() - i) * 7;
        for (int world : {1, 2, 3, 4}) {
            std::set<int64_t> seen;
            for (int r = 0; r < world; ++r) {
                const auto shard = shardOf(order, r, world);
                QCOMPARE(int64_t(shard.size()), shardLength(103, world));
                QCOMPARE(int64_t(shard.size()), int64_t(103 / world));
                for (int64_t v : shard) QVERIFY2(seen.insert(v).second, "shards overlap");
            }
            QCOMPARE(int64_t(seen.size()), int64_t(103 / world * world));
            std::set<int64_t> covered;
            for (int r = 0; r < world; ++r)
                for (int64_t v : coveringShardOf(order, r, world)) QVERIFY(covered.insert(v).second);
            QCOMPARE(covered.size(), order.size());
        }
        QCOMPARE(shardOf(order, 0, 1), order);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, shardOf(order, 2, 2));
    }

    void bucketsSplitByDtypeAndSize() {
        std::vector<torch::Tensor> t{torch::arange(12, torch::kFloat32).view({3, 4}), torch::arange(5, torch::kFloat32),
                                     torch::arange(2, torch::kInt64), torch::arange(1000, torch::kFloat32)};
        BucketPlan plan(t, /*maxBytes=*/64);
        // 48 bytes; 48 + 20 > 64 opens a second bucket; a new dtype a third; 4000 bytes alone.
        QCOMPARE(plan.buffers().size(), size_t(4));
        QCOMPARE(plan.buffers()[0].numel(), int64_t(12));
        QCOMPARE(plan.buffers()[1].numel(), int64_t(5));
        QCOMPARE(plan.buffers()[2].scalar_type(), torch::kInt64);
        QCOMPARE(plan.buffers()[3].numel(), int64_t(1000));
        plan.pack(t);
        for (auto& b : plan.buffers()) b.mul_(2);
        // Unpacking into non-contiguous views works (gradients may be strided).
        torch::Tensor base = torch::zeros({4, 3});
        std::vector<torch::Tensor> out{base.t(), torch::zeros({5}), torch::zeros({2}, torch::kInt64), torch::zeros({1000})};
        plan.unpack(out);
        for (size_t i = 0; i < t.size(); ++i) QVERIFY(sameTensor(out[i], t[i] * 2));
        QVERIFY(!plan.fits({t[0], t[1]}));
        QVERIFY(!plan.fits({t[0], t[1], t[2].to(torch::kFloat32), t[3]}));
    }

    // Several buckets in flight at once (float and int64), summed across the ranks.
    void bucketedAllReduceAndBroadcast() {
        std::vector<torch::Tensor> got[2], broadcasted[2];
        onTwoRanks([&](int r, std::shared_ptr<Communicator> comm) {
            std::vector<torch::Tensor> t{torch::full({3, 4}, 1.0f + r), torch::full({5}, 10.0f * (r + 1)),
                                         torch::full({2}, int64_t(100 + r)), torch::arange(1000, torch::kFloat32) * (r + 1)};
            BucketPlan plan(t, 64);
            plan.pack(t);
            comm->allReduceSum(plan.buffers(), "test all-reduce");
            plan.unpack(t);
            got[r] = t;
            std::vector<torch::Tensor> b{torch::full({7}, float(r + 5))};
            comm->broadcast(b, /*root=*/1, "test broadcast");
            broadcasted[r] = b;
        });
        for (int r = 0; r < 2; ++r) {
            QVERIFY(sameTensor(got[r][0], torch::full({3, 4}, 3.0f)));
            QVERIFY(sameTensor(got[r][1], torch::full({5}, 30.0f)));
            QVERIFY(sameTensor(got[r][2], torch::full({2}, int64_t(201))));
            QVERIFY(sameTensor(got[r][3], torch::arange(1000, torch::kFloat32) * 3));
            QVERIFY(sameTensor(broadcasted[r][0], torch::full({7}, 6.0f)));
        }
    }

    // Rank 0's weights everywhere; averaged gradients; identical BatchNorm buffers.
    void modelsStartAndStayIdentical() {
        GraphModule models[2] = {(torch::manual_seed(1), residualModule()), (torch::manual_seed(2), residualModule())};
        const auto rank0Weights = models[0]->named_parameters().values();
        std::vector<torch::Tensor> before;
        for (const auto& p : rank0Weights) before.push_back(p.detach().clone());
        QVERIFY(!sameTensor(models[1]->parameters()[0], models[0]->parameters()[0]));

        onTwoRanks([&](int r, std::shared_ptr<Communicator> comm) {
            DataParallel dp(comm);
            GraphModuleImpl& m = *models[r];
            dp.broadcastState(m);
            // Gradient k on rank r: (r + 1) * (k + 1); the average is 1.5 * (k + 1).
            auto params = m.parameters();
            for (size_t k = 0; k < params.size(); ++k)
                params[k].mutable_grad() = torch::full_like(params[k], float((r + 1) * (k + 1)));
            dp.gradientObserver()->afterBackward(m, 1);
            // Running means differ per rank (as after an epoch on different shards).
            for (auto& b : m.named_buffers())
                if (b.key().find("running_mean") != std::string::npos) b.value().fill_(float(4 * r));
            dp.averageBuffers(m);
        });

        for (int r = 0; r < 2; ++r) {
            const auto params = models[r]->parameters();
            for (size_t k = 0; k < params.size(); ++k) {
                QVERIFY2(sameTensor(params[k].detach(), before[k]), "weights not broadcast from rank 0");
                QVERIFY(sameTensor(params[k].grad(), torch::full_like(params[k], 1.5f * float(k + 1))));
            }
            int means = 0;
            for (auto& b : models[r]->named_buffers())
                if (b.key().find("running_mean") != std::string::npos) {
                    ++means;
                    QVERIFY(sameTensor(b.value(), torch::full_like(b.value(), 2.0f)));
                }
            QCOMPARE(means, 2);
        }
    }

    // The step agreement: mean loss; a NaN or a stop request on one rank reaches both.
    void stepAgreement() {
        double mean[2], nan[2];
        bool stopBefore[2], stopAfter[2];
        onTwoRanks([&](int r, std::shared_ptr<Communicator> comm) {
            DataParallel dp(comm);
            mean[r] = dp.agreeOnStep(r == 0 ? 1.0 : 3.0, false);
            stopBefore[r] = dp.stopAgreed();
            nan[r] = dp.agreeOnStep(r == 1 ? std::nan("") : 0.5, /*wantsStop=*/r == 1);
            stopAfter[r] = dp.stopAgreed();
        });
        for (int r = 0; r < 2; ++r) {
            QCOMPARE(mean[r], 2.0);
            QVERIFY(std::isnan(nan[r]));
            QVERIFY(!stopBefore[r]);
            QVERIFY(stopAfter[r]);
        }
    }

    // A peer that never comes: a clear error after the timeout, not a hang.
    void missingPeerTimesOut() {
        Rendezvous where;
        where.address = "127.0.0.1";
        where.port = freePort();
        where.rank = 1;
        where.worldSize = 2;
        where.timeout = std::chrono::milliseconds(1500);
        QElapsedTimer t;
        t.start();
        try {
            Communicator comm(where);
            QFAIL("joined a group without rank 0");
        } catch (const DistributedError& e) {
            QVERIFY2(QString(e.what()).contains("rank 1 of 2: cannot reach rank 0's rendezvous"), e.what());
        }
        QVERIFY2(t.elapsed() < 15000, qPrintable(QString("%1 ms").arg(t.elapsed())));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(DataParallelTest)
#include "test_data_parallel.moc"
