// `digits predict`: reads images (files, or folders of PNG/PGM files) with
// the Recognizer the page runs -- segmentation into digits, preprocessing,
// inference, calibration, digit score -- and prints one line per image.
#pragma once

#include <string>
#include <vector>

namespace digits::train {

// The files named by `paths`, each folder replaced by its PNG/PGM files in name order.
std::vector<std::string> image_files(const std::vector<std::string>& paths);

// Text: "file: 7 (98.1%) p0 ... p9" for one digit, "file: 2026 (digits 2
// 97.0%, 0 99.1%, ...)" for several. JSON (one object per line): "file",
// "number", "is_digit", "digit_score" (the least of the digits') and
// "digits" [{"label", "confidence", "probabilities", "box": [x, y, w, h],
// "is_digit", "digit_score"}], plus the first digit's "label", "confidence"
// and "probabilities" at the top level. Returns 0, or 2 when some images were
// skipped (each reported on stderr).
int predict_command(const std::string& weights, const std::vector<std::string>& paths, bool json);

}  // namespace digits::train
