// "Learn my handwriting": the user says what the selected digit is (its key
// 0-9, or a click on its bar in the histogram); the example joins the user's
// examples and the network's dense layers adapt to them, mixed with the
// embedded MNIST digits so it does not forget the rest (core's
// digits::FineTuner). The training steps are spread over frames within a time
// budget, so the page keeps drawing. When they are done the personal model
// becomes the active one and is stored (app/storage.h); "Forget my
// handwriting" restores the shipped model, "Export" saves the personal one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "digits/finetune.h"

namespace app {

struct AppState;

struct LearnPanel {
  std::unique_ptr<digits::FineTuner> tuner;     // made at the first example
  std::vector<digits::LabelledImage> examples;  // every example taught (or restored)
  std::size_t replay_added = 0;                 // embedded digits given to the tuner so far
  std::uint64_t tuned_generation = 0;           // s.model_generation the tuner works on
  bool training = false;                        // steps ran since the personal model was last made
  std::string message;                          // "Learned: 4 (12 examples)"
  double step_ms = 0;                           // mean time of one training step, last frame with steps
  int steps_last_frame = 0;
  double progress_shown_at = 0;  // when the reading last followed the training (ms, steady clock)
  int published_examples = -1;   // data-personal-examples last published
  std::string published_text;    // data-model and data-learn-message last published
  double frame_ms = 16.7;        // time between frames, smoothed
  double last_frame_at = 0;      // ms, steady clock
  // Training time per frame: 4 ms, or a fifth of the frame's time when frames
  // are slower anyway (a loaded machine, software WebGL), so the frame rate
  // falls by at most a fifth while the network adapts and training still
  // moves on. A step only starts when it should end within the budget (one
  // always runs). See tests/web/bench_learn.mjs.
  static constexpr double kFrameBudgetMs = 4.0, kFrameShare = 0.2;
  static constexpr double kIdleBudgetMs = 3.0;      // preparing reminder digits while nothing trains
  static constexpr double kShowProgressMs = 250.0;  // the reading follows the training 4 times a second
  static constexpr std::size_t kMinReplay = 100;    // reminder digits ready before the first step
  // A pull towards the shipped weights (FineTuneOptions::anchor) was meant to
  // make up for the page replaying 500 digits where `digits finetune` replays
  // 1,000, but it costs the writer more than it saves MNIST: with the int8
  // model, anchor 1.5 read 93% of the left-slant writer's digits in the page
  // (3: 91% of the mirror writer's), while without it every writer reaches
  // 100% and MNIST fell by at most 0.18 points with core's FineTuner on the
  // page's replay set (0.30 with the float16 model; the floor is 0.3).
  static constexpr float kAnchor = 0.0f;
};

// Teaches `label` for the selected digit of the reading.
void teach(AppState& s, int label);
// Once per frame, before the reading: replay digits, training steps within
// the budget, then the personal model made active and stored.
void update_learning(AppState& s);
// The sidebar section: the active model, the last message, Forget and Export.
void learn_panel(AppState& s);
// Call right after the histogram (the last item): a click on a bar teaches
// that class. `width` is the histogram's width.
void learn_from_histogram(AppState& s, float width);
// A stored personal model and its examples (app/storage.h) arrive: made
// active when valid; otherwise discarded with a message, the shipped model stays.
void restore_personal(AppState& s, const void* model, std::size_t model_size, const void* examples,
                      std::size_t examples_size);
// Restores the shipped model and deletes the stored personal one.
void forget_handwriting(AppState& s);

}  // namespace app
