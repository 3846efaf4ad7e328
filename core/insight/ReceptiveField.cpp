#include "insight/ReceptiveField.h"

#include <algorithm>
#include <cmath>

namespace strata {

std::map<std::string, ReceptiveField> receptiveFields(const DesignAnalysis& analysis) {
    std::map<std::string, ReceptiveField> fields;
    for (const NodeAnalysis& n : analysis.nodes) {
        ReceptiveField f;  // Input: one pixel per position
        auto inputs = analysis.inputsOf.find(n.id);
        if (inputs != analysis.inputsOf.end() && !inputs->second.empty()) {
            f = fields.at(inputs->second.front());
            for (const std::string& in : inputs->second) {
                const ReceptiveField& other = fields.at(in);
                if (other.global || (!f.global && other.size > f.size)) f = other;
            }
        }
        const bool windowed = n.type == "Conv2d" || n.type == "MaxPool2d" || n.type == "AvgPool2d";
        if (windowed && !f.global) {
            const double k = double(n.params.i("kernel_size"));
            const double s = double(n.params.i("stride"));
            const double p = double(n.params.i("padding"));
            f.start += ((k - 1) / 2 - p) * f.jump;
            f.size += (k - 1) * f.jump;
            f.jump *= s;
        } else if (n.type == "AdaptiveAvgPool2d" || (n.type != "Input" && n.output.size() != 3)) {
            f.global = true;
        }
        fields[n.id] = f;
    }
    return fields;
}

CropBox cropBox(const ReceptiveField& field, int row, int col, int imageHeight, int imageWidth) {
    if (field.global) return {0, 0, imageWidth, imageHeight};
    const int side = int(std::lround(field.size));
    CropBox b;
    b.width = std::clamp(side, 1, imageWidth);
    b.height = std::clamp(side, 1, imageHeight);
    // Centre (start + i * jump) minus half the side, rounded to whole pixels.
    const double cx = field.start + col * field.jump, cy = field.start + row * field.jump;
    b.x = std::clamp(int(std::lround(cx - (b.width - 1) / 2.0)), 0, imageWidth - b.width);
    b.y = std::clamp(int(std::lround(cy - (b.height - 1) / 2.0)), 0, imageHeight - b.height);
    return b;
}

}  // namespace strata
