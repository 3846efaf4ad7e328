// strata import-idx IMAGES.idx LABELS.idx --out DIR [--classes a,b,...]
#include <cstdio>

#include "Commands.h"
#include "Options.h"
#include "data/IdxImport.h"

namespace strata::cli {

int importIdxCommand(const Args& args) {
    Options opts("import-idx", "IMAGES.idx LABELS.idx --out DIR [--classes a,b,...]",
                 "Converts IDX files (MNIST, Fashion-MNIST; plain or .gz) into an image folder\n"
                 "DIR/<class>/<index>.png. Files already holding the same image are kept, so a second import is quick.",
                 {{"--out", "DIR", "output image folder (required)"},
                  {"--classes", "a,b,...", "class names by label value (default: the label numbers)"}});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 2) throw UsageError("strata import-idx: expected IMAGES.idx and LABELS.idx");
    if (!opts.has("--out")) throw UsageError("strata import-idx: --out DIR is required");
    const std::vector<std::string> classes = opts.getList("--classes");
    const IdxImportResult r = importIdx(opts.positionals()[0], opts.positionals()[1], opts.get("--out"), classes);
    std::printf("%lld images in %zu classes -> %s\n", (long long)r.images, r.classes.size(), opts.get("--out").c_str());
    return kExitOk;
}

}  // namespace strata::cli
