#pragma once
namespace strata {
const char* versionString();  // "0.1.0"
}
