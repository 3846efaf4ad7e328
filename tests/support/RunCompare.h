#pragma once
// Comparing two run files' weights: what the determinism tests (resume, streaming,
// data-parallel) assert, with a message that names the first array that differs.
#include <QString>

#include "runs/RunFile.h"

namespace strata::test {

// "" when both checkpoints hold the same arrays with the same shapes and contents (float32 and
// int64, bit for bit); otherwise what differs first.
inline QString checkpointDifference(const RunData& a, const RunData& b) {
    if (a.checkpoint.size() != b.checkpoint.size())
        return QString("checkpoint has %1 arrays, expected %2").arg(a.checkpoint.size()).arg(b.checkpoint.size());
    for (const auto& x : b.checkpoint) {
        const NamedArray* y = findArray(a.checkpoint, x.name);
        if (!y) return QString("missing array %1").arg(x.name.c_str());
        if (y->shape != x.shape || y->f32 != x.f32 || y->i64 != x.i64)
            return QString("array %1 differs").arg(x.name.c_str());
    }
    return {};
}

}  // namespace strata::test
