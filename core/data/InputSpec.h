#pragma once
// The image size a design expects: its Input node's channels, height and width.
#include "data/ImageFolder.h"
#include "design/Design.h"

namespace strata {

// Reads the Input node's params. Missing or non-integer params (a design being edited) and
// a design without Input give ImageSpec's defaults for those fields.
ImageSpec inputImageSpec(const Design& design);

}  // namespace strata
