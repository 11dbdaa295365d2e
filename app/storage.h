// Where "learn my handwriting" keeps its work between visits: the personal
// model and the user's examples. On the web they live in the browser's
// IndexedDB (web/storage.cpp); the desktop keeps nothing between runs
// (app/storage_native.cpp) but exports to a file. IndexedDB answers
// asynchronously, so a stored model arrives later through
// app::restore_personal (panel_learn.h).
#pragma once

#include <string>

namespace app {
struct AppState;
}

namespace app::storage {

// Looks for a stored personal model; if there is one, restore_personal(s, ...)
// is called with it (later, on the web).
void request_personal(AppState& s);
// Replaces the stored personal model and examples.
void save_personal(const std::string& model, const std::string& examples);
// Deletes them.
void forget_personal();
// Hands `bytes` to the user as a file named `name` (a download on the web, a
// file in the working directory on the desktop); returns a message saying where.
std::string export_file(const std::string& name, const std::string& bytes);
// #prediction's data-personal-examples: the active model's examples (0: not personal).
void publish_personal_examples(int count);
// #prediction's data-model (the active model, as the sidebar names it) and
// data-learn-message (the learning section's last message, e.g. "Learned: 4 (12 examples)").
void publish_learn_text(const std::string& model, const std::string& message);
// #prediction's data-learn-pending (training steps still queued) and
// data-learn-step-ms (mean time of one step in the last frame that ran some).
void publish_learning(int pending, double step_ms);
// #prediction's data-<name>-rect: a button's place in the page, for automation
// (like data-canvas-rect); window coordinates.
void publish_button_rect(const char* name, float x, float y, float width, float height);

}  // namespace app::storage
