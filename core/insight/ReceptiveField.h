#pragma once
// The input region each output position of a layer sees, from the design's conv and pool
// params: what a max-activating patch crops. Torch-free.
#include <map>
#include <string>

#include "design/DesignAnalysis.h"

namespace strata {

// Output position (row, col) of a layer sees the input square of side `size` centred at
// (start + row * jump, start + col * jump), in input pixels (the usual receptive-field
// arithmetic: jump multiplies by the stride, size grows by (k - 1) * jump, and the centre
// shifts by ((k - 1) / 2 - padding) * jump). `global`: the layer sees the whole image (a
// feature vector, or after adaptive pooling).
struct ReceptiveField {
    double size = 1, jump = 1, start = 0;
    bool global = false;
};

// Receptive fields of every node of a valid design. Merges (Add, Concat) take the widest of
// their inputs; element-wise layers keep their input's field.
std::map<std::string, ReceptiveField> receptiveFields(const DesignAnalysis& analysis);

struct CropBox {
    int x = 0, y = 0, width = 0, height = 0;
};

// The crop for output position (row, col): the receptive field clipped to size, shifted to
// lie inside the image, so every crop of a layer has the same size (the whole image for a
// global field).
CropBox cropBox(const ReceptiveField& field, int row, int col, int imageHeight, int imageWidth);

}  // namespace strata
