#include "io/TensorIo.h"
void f(){ auto t = torch::zeros({2}); (void)t; }
