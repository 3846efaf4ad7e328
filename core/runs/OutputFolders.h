#pragma once
// Where runs and experiments go when the user names no place (docs/ARCHITECTURE.md §13), and
// the timestamp in their default names. The studio and the command line share these rules, so
// a design's outputs end up in the same folder whichever started them. Torch-free, no Qt.
#include <string>

namespace strata {

// Now, in local time, as default file names carry it: "20241129-213045".
std::string localTimestamp();

// $XDG_DATA_HOME/strata, or ~/.local/share/strata when XDG_DATA_HOME is unset or relative.
std::string userDataFolder();

// The folder that holds the runs and experiments of the design saved at `designPath`: the
// design's own folder (symbolic links resolved), or userDataFolder() when there is no design
// file (""), when it is an installed or source-tree template, or when its folder is missing or
// not writable (outputs must never land among the templates or fail for want of a place).
std::string designOutputFolder(const std::string& designPath);

// designOutputFolder(designPath) + "/runs": where the studio puts the design's runs.
std::string defaultRunsFolder(const std::string& designPath);

}  // namespace strata
