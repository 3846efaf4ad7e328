#pragma once
// The studio's docked panels by name, for MainWindow::showPanel() and the command line's
// `--show NAME`. The names are those of the docks' object names without "Dock" (saveState()
// keys), so a saved window layout keeps working.
#include <QString>

#include <array>
#include <optional>

namespace strata {

enum class StudioPanel { Layers, Properties, Issues, Dataset, Settings, Training, Runs, Predict, Features, Experiments, Data };

inline constexpr std::array<StudioPanel, 11> kStudioPanels = {
    StudioPanel::Layers,   StudioPanel::Properties, StudioPanel::Issues,  StudioPanel::Dataset,  StudioPanel::Settings,
    StudioPanel::Training, StudioPanel::Runs,       StudioPanel::Predict, StudioPanel::Features, StudioPanel::Experiments,
    StudioPanel::Data};

// "palette", "properties", "issues", "dataset", "settings", "training", "runs", "predict",
// "features", "experiments", "data".
inline QString studioPanelName(StudioPanel panel) {
    static const char* const names[] = {"palette",  "properties", "issues",  "dataset",  "settings",
                                        "training", "runs",       "predict", "features", "experiments", "data"};
    return QString::fromLatin1(names[int(panel)]);
}

// The panel called `name` (as studioPanelName, case-insensitive; "layers" too), if any.
inline std::optional<StudioPanel> studioPanelNamed(const QString& name) {
    if (name.compare(QLatin1String("layers"), Qt::CaseInsensitive) == 0) return StudioPanel::Layers;
    for (StudioPanel p : kStudioPanels)
        if (name.compare(studioPanelName(p), Qt::CaseInsensitive) == 0) return p;
    return std::nullopt;
}

}  // namespace strata
