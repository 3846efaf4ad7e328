// Anchor for the shared torch + QtTest precompiled header of the engine tests.
