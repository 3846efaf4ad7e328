#pragma once
// Where the starter designs (resources/templates/*.strata.json) live: beside the installed
// binary (../share/strata/templates), in the source tree of a developer build, or where
// STRATA_TEMPLATES points.
#include <string>
#include <vector>

namespace strata {

std::string templatesDir();  // "" when none is found
std::vector<std::string> templateNames();  // "lenet", "mlp", "reference-cnn", "resnet-mini", ...
std::string templatePath(const std::string& name);  // "" when missing

}  // namespace strata
