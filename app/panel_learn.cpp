// "Learn my handwriting": teaching, training over frames, the sidebar section.
#include "panel_learn.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "app_state.h"
#include "bridge.h"
#include "digits/error.h"
#include "digits/idx.h"
#include "digits/model.h"
#include "embedded.h"
#include "storage.h"

namespace app {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kExampleBytes = 1 + digits::kImageSize;  // label, then 28x28 bytes

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
double now_ms() { return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count(); }

int examples_of(const digits::Model& m) {
  const auto& e = m.personal.examples;
  return static_cast<int>(std::accumulate(e.begin(), e.end(), 0u));
}

std::string encode_examples(const std::vector<digits::LabelledImage>& examples) {
  std::string out;
  out.reserve(examples.size() * kExampleBytes);
  for (const digits::LabelledImage& e : examples) {
    out += static_cast<char>(e.label);
    for (float v : e.image) out += static_cast<char>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255));
  }
  return out;
}

// Throws digits::Error when the bytes are not whole examples with digit labels.
std::vector<digits::LabelledImage> decode_examples(const unsigned char* bytes, std::size_t size) {
  if (size % kExampleBytes != 0) {
    throw digits::Error("the stored examples are " + std::to_string(size) + " bytes, not a multiple of " +
                        std::to_string(kExampleBytes));
  }
  std::vector<digits::LabelledImage> out(size / kExampleBytes);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const unsigned char* e = bytes + i * kExampleBytes;
    if (e[0] >= digits::kClasses) throw digits::Error("a stored example has label " + std::to_string(e[0]));
    out[i].label = e[0];
    for (int p = 0; p < digits::kImageSize; ++p) out[i].image[p] = e[1 + p] / 255.0f;
  }
  return out;
}

// A tuner on the active model; the embedded digits are added over the next frames.
void start_tuner(AppState& s) {
  LearnPanel& l = s.learn;
  const digits::Model& m = s.recognizer.model();
  digits::FineTuneOptions options;
  options.anchor = LearnPanel::kAnchor;
  l.tuner =
      std::make_unique<digits::FineTuner>(m, s.recognizer.model_name(), std::vector<digits::LabelledImage>{}, options);
  l.replay_added = 0;
  l.tuned_generation = s.model_generation;
  // Examples from before (a restored personal model learned them already)
  // train again only alongside new ones.
  for (const digits::LabelledImage& e : l.examples) l.tuner->add_example(e.image, e.label, false);
}

// The tuned dense layers into the recognizer's network, so the reading
// follows the training as it happens (each time the canvas is read again).
void show_progress(AppState& s) {
  digits::Network& shown = s.recognizer.network();
  const digits::Network& tuned = s.learn.tuner->network();
  for (const char* name : {"dense1", "logits"}) {
    digits::Network::Layer& to = shown.mutable_layers()[shown.layer_index(name)];
    const digits::Network::Layer& from = tuned.layer(name);
    to.weights = from.weights;
    to.bias = from.bias;
  }
  ++s.model_generation;
  s.learn.tuned_generation = s.model_generation;
  s.learn.progress_shown_at = now_ms();
}

// What the sidebar says is active; #prediction's data-model says the same.
std::string active_model(const AppState& s) {
  if (!s.recognizer.ready()) return "no model";
  const digits::Model& m = s.recognizer.model();
  if (m.personal.empty()) return s.recognizer.model_name();
  return "your personal model, " + std::to_string(examples_of(m)) + " examples, " + std::to_string(m.personal.steps) +
         " steps, from " + m.personal.base_model;
}

void publish_state(AppState& s) {
  LearnPanel& l = s.learn;
  const int active = examples_of(s.recognizer.model());
  if (active != l.published_examples) {
    l.published_examples = active;
    storage::publish_personal_examples(active);
  }
  const std::string model = active_model(s);
  if (model + '\n' + l.message != l.published_text) {
    l.published_text = model + '\n' + l.message;
    storage::publish_learn_text(model, l.message);
  }
}

// Training done: the personal model becomes the active one and is stored.
void finish(AppState& s) {
  LearnPanel& l = s.learn;
  const digits::Model personal = l.tuner->model();
  const std::string bytes = digits::serialize_model(personal);
  const int n = static_cast<int>(l.examples.size());
  if (!s.recognizer.load(bytes.data(), bytes.size(), "personal model (" + std::to_string(n) + " examples)")) {
    l.message = "Could not use the personal model: " + s.recognizer.error();
    return;
  }
  ++s.model_generation;
  l.tuned_generation = s.model_generation;
  l.training = false;
  storage::save_personal(bytes, encode_examples(l.examples));
}

}  // namespace

void teach(AppState& s, int label) {
  LearnPanel& l = s.learn;
  update_prediction(s);  // the reading of the canvas as it is now (a key may come right after a stroke)
  const digits::DigitReading* d = selected_digit(s);
  if (d == nullptr || !s.recognizer.ready()) {
    l.message = "Draw a digit first, then press its key (or click its bar) to teach it.";
    return;
  }
  if (!l.tuner || l.tuned_generation != s.model_generation) start_tuner(s);
  l.tuner->add_example(d->input, label);
  l.examples.push_back({d->input, label});
  l.training = true;
  l.message = "Learned: " + std::to_string(label) + " (" + std::to_string(l.examples.size()) + " examples)";
}

void update_learning(AppState& s) {
  LearnPanel& l = s.learn;
  l.steps_last_frame = 0;
  if (!s.recognizer.ready()) return;
  publish_state(s);
  // From start-up (and after another model is loaded) the reminder digits
  // are prepared in idle time, so the first example trains at once.
  if (!l.tuner || l.tuned_generation != s.model_generation) start_tuner(s);
  const Clock::time_point start = Clock::now();
  const double now = now_ms();
  if (l.last_frame_at > 0) l.frame_ms += 0.1 * (std::min(now - l.last_frame_at, 1000.0) - l.frame_ms);
  l.last_frame_at = now;
  const double budget = l.training ? std::max(LearnPanel::kFrameBudgetMs, LearnPanel::kFrameShare * l.frame_ms)
                                   : LearnPanel::kIdleBudgetMs;
  const std::size_t replay_count = embedded_sample_labels_size;
  while (l.replay_added < replay_count && ms_since(start) < budget) {
    digits::Image image;
    digits::to_unit_floats(embedded_sample_images + l.replay_added * digits::kImageSize, image.data(),
                           digits::kImageSize);
    l.tuner->add_replay(image, embedded_sample_labels[l.replay_added]);
    ++l.replay_added;
  }
  if (!l.training || l.replay_added < std::min(replay_count, LearnPanel::kMinReplay)) return;
  const Clock::time_point steps_start = Clock::now();
  while (l.tuner->pending_steps() > 0 && (l.steps_last_frame == 0 || ms_since(start) + l.step_ms <= budget)) {
    l.tuner->run(1);
    ++l.steps_last_frame;
  }
  if (l.steps_last_frame > 0) {
    l.step_ms = ms_since(steps_start) / l.steps_last_frame;
    storage::publish_learning(l.tuner->pending_steps(), l.step_ms);
  }
  if (l.tuner->pending_steps() == 0)
    finish(s);
  else if (now_ms() - l.progress_shown_at >= LearnPanel::kShowProgressMs)
    show_progress(s);
}

void learn_from_histogram(AppState& s, float width) {
  if (!ImGui::IsItemHovered() || selected_digit(s) == nullptr) return;
  const float x = ImGui::GetIO().MousePos.x - ImGui::GetItemRectMin().x;
  const int label = std::clamp(static_cast<int>(x / (width / digits::kClasses)), 0, digits::kClasses - 1);
  ImGui::SetTooltip("Click to teach: this is a %d", label);
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) teach(s, label);
}

void forget_handwriting(AppState& s) {
  LearnPanel& l = s.learn;
  l.tuner.reset();
  l.examples.clear();
  l.training = false;
  storage::forget_personal();
  load_weights(s, embedded_weights, embedded_weights_size, "shipped model (" DIGITS_WEIGHTS_NAME ")");
  l.message = "Forgot your handwriting: the shipped model is back.";
}

void restore_personal(AppState& s, const void* model, std::size_t model_size, const void* examples,
                      std::size_t examples_size) {
  LearnPanel& l = s.learn;
  std::string problem;
  std::vector<digits::LabelledImage> restored;
  try {
    restored = decode_examples(static_cast<const unsigned char*>(examples), examples_size);
    const digits::Model m = digits::parse_model(model, model_size, "the stored personal model");
    if (m.personal.empty()) throw digits::Error("the stored model is not a personal model");
    const std::string name = "personal model (" + std::to_string(examples_of(m)) + " examples)";
    if (!s.recognizer.load(model, model_size, name)) throw digits::Error(s.recognizer.error());
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (!problem.empty()) {
    s.recognizer.clear_error();
    storage::forget_personal();
    l.message = "Your saved handwriting could not be used and was discarded.";
    bridge::publish_error("Your saved handwriting could not be used and was discarded (" + problem +
                          "); the shipped model is in use.");
    return;
  }
  ++s.model_generation;
  l.tuner.reset();
  l.examples = std::move(restored);
  l.message = "Welcome back: your personal model is active (" + std::to_string(l.examples.size()) + " examples).";
}

void learn_panel(AppState& s) {
  LearnPanel& l = s.learn;
  ImGui::Spacing();
  ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "Learn my handwriting");
  ImGui::Separator();
  const bool personal = s.recognizer.ready() && !s.recognizer.model().personal.empty();
  ImGui::TextWrapped("Active: %s.", active_model(s).c_str());
  ImGui::TextDisabled("Wrong? Press the right digit's key, or click its bar.");
  if (l.training && l.tuner) {
    if (l.replay_added < std::min(std::size_t{embedded_sample_labels_size}, LearnPanel::kMinReplay)) {
      ImGui::Text("Preparing... %zu / %zu reminder digits", l.replay_added, std::size_t{embedded_sample_labels_size});
    } else {
      ImGui::Text("Adapting... %d steps left (%.1f ms each)", l.tuner->pending_steps(), l.step_ms);
    }
  }
  if (!l.message.empty()) ImGui::TextWrapped("%s", l.message.c_str());
  if (ImGui::Button("Forget my handwriting")) forget_handwriting(s);
  const ImVec2 at = ImGui::GetItemRectMin(), size = ImGui::GetItemRectSize();
  storage::publish_button_rect("forget", at.x, at.y, size.x, size.y);
  ImGui::SameLine();
  ImGui::BeginDisabled(!personal);
  if (ImGui::Button("Export")) {
    l.message = storage::export_file("digits-personal.dgw", digits::serialize_model(s.recognizer.model()));
  }
  storage::publish_button_rect("export", ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                               ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y);
  ImGui::EndDisabled();
}

}  // namespace app
