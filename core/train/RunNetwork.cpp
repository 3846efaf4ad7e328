#include "train/RunNetwork.h"

#include "data/InputSpec.h"
#include "train/TorchState.h"

namespace strata {

RunNetwork loadRunNetwork(const std::string& runPath, bool verify) {
    RunNetwork r;
    r.valid = readValidRun(runPath, {RunParts::Full, verify});
    r.spec = inputImageSpec(r.valid.design);
    r.model = GraphModule(r.valid.design, int(r.valid.classes.size()));
    loadModuleState(*r.model, r.valid.data.checkpoint, runPath);
    r.model->eval();
    return r;
}

}  // namespace strata
