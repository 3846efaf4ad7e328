#pragma once
// The drag-and-drop payload of a layer dragged from the palette: its type name as UTF-8.
namespace strata {
inline constexpr const char* kLayerMimeType = "application/x-strata-layer";
}
