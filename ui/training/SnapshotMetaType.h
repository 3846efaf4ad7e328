#pragma once
// FeatureSnapshot as a Qt meta type, so it can travel in queued signals (trainer thread ->
// UI thread). Declared once here; include this instead of declaring it again.
#include <QMetaType>

#include "insight/FeatureSnapshot.h"

Q_DECLARE_METATYPE(strata::FeatureSnapshot)
