// The app's window: sidebar (model summary), drawing canvas with its tools,
// and the prediction panel (digit, confidence, histogram, what the model sees).
#pragma once

#include "app_state.h"

namespace app {

struct Fonts;

void draw_ui(AppState& s, const Fonts& fonts);

}  // namespace app
