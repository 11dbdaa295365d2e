// `digits preview`: a mosaic of what training draws (world-style digits,
// negatives of either split), as the network sees them, to look at.
#pragma once

#include <string>

namespace digits::train {

// kind: "styles", "neighbours", "negatives" (training split) or "negatives-test".
int write_preview(const std::string& kind, const std::string& data_dir, const std::string& fashion_dir,
                  const std::string& output, unsigned seed);

}  // namespace digits::train
