// The one way train/ includes tiny-dnn 1.0.0a3, with its packaging gaps
// handled: stb comes from libstb-dev through the generated shim folder, and
// gemmlowp (absent from Debian's package) is switched off.
#pragma once

#include <tiny_dnn/config.h>
#undef CNN_USE_GEMMLOWP
#include <tiny_dnn/tiny_dnn.h>
