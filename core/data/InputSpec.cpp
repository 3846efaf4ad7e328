#include "data/InputSpec.h"

namespace strata {

ImageSpec inputImageSpec(const Design& design) {
    ImageSpec spec;
    for (const Node& n : design.nodes) {
        if (n.type != "Input") continue;
        auto read = [&](const char* key, int& field) {
            auto it = n.params.find(key);
            if (it != n.params.end() && it->is_number_integer()) field = it->get<int>();
        };
        read("channels", spec.channels);
        read("height", spec.height);
        read("width", spec.width);
        break;
    }
    return spec;
}

}  // namespace strata
