#pragma once
// Moving an image to another class folder of its data folder (a relabel, never a delete), and
// undoing such moves. Every move is logged as one JSON line {"from", "to", "size", "mtime_ns"}
// in a log under $XDG_DATA_HOME/strata/moves/<timestamp>.json (default
// ~/.local/share/strata/moves), never inside the data folder, so a training of the folder
// never sees the log. The decode cache (DecodeCache.h) keys a folder by every file's relative
// path, size and times, so a moved file makes its cache stale and it is rebuilt. Torch-free.
#include <string>

namespace strata {

// The folder of the move logs; throws DataError when neither XDG_DATA_HOME nor HOME is set.
std::string movesDirectory();

// Moves `file` (DATA/<class>/<name>) to DATA/<className>/<name> and appends the move to
// `log` (a new log in movesDirectory() when empty). Returns the log's path. Throws DataError,
// changing nothing, when the file is not in a class folder, the class folder does not exist,
// or the target exists.
std::string moveToClass(const std::string& file, const std::string& className, std::string log = "");

// Reverses the moves of `log`, last first. Checks every move before changing anything: a
// moved file that is gone, changed (size or modification time) or whose original place is
// taken refuses the whole undo with a DataError naming the file. Returns the number undone.
int undoMoves(const std::string& log);

}  // namespace strata
