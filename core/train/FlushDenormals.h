#pragma once
// Flushes denormal floats to zero (the CPU's FTZ and DAZ modes) on the thread that trains and
// on its OpenMP workers, for as long as the guard lives.
//
// Why: a deep stack whose signals vanish (sigmoid or tanh without normalization) produces
// activations and gradients below float's normal range, and x86 cores take microcode assists
// on every such operand — steps ran several times slower than the same stack with BatchNorm.
// Values that small carry no information a training can use; PyTorch users set the same mode
// with torch.set_flush_denormal(True). Numbers in the normal range are computed exactly as
// without the guard.
namespace strata {

class FlushDenormals {
public:
    // `threads`: the OpenMP threads of the calling thread (at::get_num_threads()).
    explicit FlushDenormals(int threads);
    ~FlushDenormals();
    FlushDenormals(const FlushDenormals&) = delete;
    FlushDenormals& operator=(const FlushDenormals&) = delete;

    // Whether this CPU has the modes (x86 with SSE3's DAZ); the guard does nothing otherwise.
    bool active() const { return active_; }

private:
    int threads_;
    bool active_ = false;
};

}  // namespace strata
