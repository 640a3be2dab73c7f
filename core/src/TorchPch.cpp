// Carries the precompiled torch header that the engine libraries reuse.
