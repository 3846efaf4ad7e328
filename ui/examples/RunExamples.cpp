#include "examples/RunExamples.h"

#include <QFileInfo>

#include "runs/RunReader.h"

namespace strata {

namespace {

// Points with absolute paths: a run trained on a relative --data names its files relative to
// where it was trained; the studio resolves them against its own working folder.
MapPoints pointsOf(const ExampleSet& set) {
    auto points = std::make_shared<std::vector<MapPoint>>(datasetMap(set));
    for (MapPoint& p : *points) p.path = QFileInfo(QString::fromStdString(p.path)).absoluteFilePath().toStdString();
    return points;
}

}  // namespace

RunExamples loadRunExamples(const QString& runPath) {
    RunExamples out;
    out.run = runPath;
    try {
        const ValidRun run = readValidRun(runPath.toStdString(), {RunParts::Full});
        for (const std::string& c : run.classes) out.classes << QString::fromStdString(c);
        const ExampleRecord& record = run.data.examples;
        if (!record.present() || record.epochs() == 0) {
            out.problem = QFileInfo(runPath).fileName() + ": " + QString::fromStdString(missingRecordMessage(false));
            return out;
        }
        out.epochs = int(record.epochs());
        out.train = pointsOf(record.train);
        if (record.val.epochs() > 0) out.val = pointsOf(record.val);
    } catch (const std::exception& e) {
        out.problem = QString::fromStdString(e.what());
        out.unreadable = true;
    }
    return out;
}

QString exampleClassName(const QStringList& classes, int c) {
    return c >= 0 && c < classes.size() ? classes[c] : QString::number(c);
}

}  // namespace strata
