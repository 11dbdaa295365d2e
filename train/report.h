// Human-readable views of a model's metrics: the Markdown report written next
// to a trained weights file, and the text/JSON `digits evaluate` prints.
#pragma once

#include <string>
#include <vector>

#include "checkpoint.h"
#include "digits/model.h"

namespace digits::train {

std::string markdown_report(const ModelMetadata& meta, const std::vector<EpochLog>& history);
std::string metrics_text(const ModelMetadata& meta);
std::string metrics_json(const ModelMetadata& meta);

}  // namespace digits::train
