#pragma once
// Precompiled for every torch-using engine source. Never include from core/include.
#include <torch/torch.h>
