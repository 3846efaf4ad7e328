#pragma once
// The lists of numbers the experiment kinds take in a line edit ("0.25, 0.5, 1"): read for a
// plan, and written back from an opened experiment's spec so that Start repeats it.
#include <QString>

#include <nlohmann/json.hpp>

#include <vector>

namespace strata {

// "0.25, 0.5 1" -> {0.25, 0.5, 1} (commas, semicolons or spaces between); false, with the
// reason naming `field` in *problem, for anything that is not a positive number.
bool parseNumberList(const QString& text, const QString& field, std::vector<double>& out, QString* problem);

// The numbers of a JSON array as the edits show them: "0.25, 0.5, 1".
QString numberListText(const nlohmann::json& values);

}  // namespace strata
