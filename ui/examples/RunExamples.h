#pragma once
// A run's dataset map for the Data dock (docs/ARCHITECTURE.md §4): the run is read through
// readValidRun (the one way every panel reads runs) and its per-example record becomes one
// MapPoint per image (insight/DatasetMap.h), for the training images and, when the run held
// some out, the validation images. Meant for a worker thread; never throws.
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

#include "insight/DatasetMap.h"

namespace strata {

using MapPoints = std::shared_ptr<const std::vector<MapPoint>>;

struct RunExamples {
    QString run;
    QStringList classes;
    // Never null; val is empty when the run held no images out.
    MapPoints train = std::make_shared<const std::vector<MapPoint>>();
    MapPoints val = std::make_shared<const std::vector<MapPoint>>();
    int epochs = 0;
    // Why there is no map ("" when there is one): the run cannot be read, or it has no
    // per-example record (core's message, which says how to get one).
    QString problem;
    bool unreadable = false;  // the problem is the run file itself, not a missing record
    bool ok() const { return problem.isEmpty(); }
    bool hasVal() const { return !val->empty(); }
};

RunExamples loadRunExamples(const QString& runPath);

// The class's name, or its index when the run names fewer classes.
QString exampleClassName(const QStringList& classes, int c);

}  // namespace strata
