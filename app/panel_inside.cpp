// [SECTION] Update: the selected digit through the network, once per reading
// [SECTION] Panel: controls, feature-map tiles, dense strip, outputs
// [SECTION] Overlay: the saliency map laid over the digit on the canvas
#include "panel_inside.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "app_state.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// For the browser benchmark and test: how long the last update took and what
// the panel shows, on #prediction (data-inside-ms, data-inside).
// clang-format off
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgnu-zero-variadic-macro-arguments"
#pragma clang diagnostic ignored "-Winvalid-pp-token"
EM_JS(void, js_publish_inside, (double ms, const char* state), {
  const el = document.getElementById('prediction');
  if (!el) return;
  el.setAttribute('data-inside-ms', ms.toFixed(3));
  el.setAttribute('data-inside', UTF8ToString(state));
});
#pragma clang diagnostic pop
// clang-format on
#endif

namespace app {

bool InsidePanel::Key::operator==(const Key& o) const {
  return reading == o.reading && model == o.model && selected == o.selected && label == o.label && open == o.open &&
         overlay == o.overlay && method == o.method;
}

namespace {

const char* const kMaps[] = {"conv1", "conv2", "pool1", "conv3", "conv4", "pool2"};
const ImVec4 kMuted(0.62f, 0.66f, 0.74f, 1.0f);
const ImVec4 kAccent(0.33f, 0.72f, 1.0f, 1.0f);

// [SECTION] Update: the selected digit through the network, once per reading

int shown_label(const InsidePanel& p, const digits::DigitReading& d) { return p.runner_up ? d.runner_up : d.label; }

void publish(const InsidePanel& p, int label) {
#ifdef __EMSCRIPTEN__
  char state[64];
  std::snprintf(state, sizeof state, "%s%s%s label=%d", p.open ? "open " : "", p.overlay ? "overlay " : "",
                p.method == digits::SaliencyMethod::GradCam ? "grad-cam" : "gradient-x-input", label);
  js_publish_inside(p.milliseconds, state);
#else
  (void)p;
  (void)label;
#endif
}

// Brings the tiles and the map up to date; does nothing when neither the
// reading, the selection nor what is shown changed.
void update(AppState& s) {
  InsidePanel& p = s.inside;
  const digits::DigitReading* d = selected_digit(s);
  if (!s.recognizer.ready() || d == nullptr || (!p.open && !p.overlay)) return;
  const int label = shown_label(p, *d);
  const InsidePanel::Key key{s.reading_generation, s.model_generation, s.selected, label, p.open, p.overlay, p.method};
  if (key == p.shown) return;
  p.shown = key;
  const auto start = std::chrono::steady_clock::now();
  // recognize() leaves the network holding the last digit it classified.
  s.recognizer.focus(s.selected);
  const digits::Network& net = s.recognizer.network();
  if (p.open) {
    for (std::size_t i = 0; i < p.atlases.size(); ++i) {
      digits::layer_atlas(net.layer(kMaps[i]), p.atlases[i]);
      p.textures[i].upload(p.atlases[i].pixels.data(), p.atlases[i].side, false);
    }
  }
  if (p.overlay) {
    const auto& map = p.saliency.compute(net, d->input.data(), label, p.method);
    constexpr int n = InsidePanel::kOverlaySteps;
    constexpr float step = static_cast<float>(digits::kImageSide) / n;
    for (int j = 0; j <= n; ++j) {
      for (int i = 0; i <= n; ++i) {
        const auto c = digits::heat_colour(digits::sample_map(map, i * step, j * step));
        p.overlay_colours[j * (n + 1) + i] = IM_COL32(c[0], c[1], c[2], c[3]);
      }
    }
  }
  p.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  publish(p, label);
}

// [SECTION] Panel: controls, feature-map tiles, dense strip, outputs

ImU32 grey(float v) {
  const int g = static_cast<int>(22 + std::clamp(v, 0.0f, 1.0f) * (255 - 22));
  return IM_COL32(g, g, g, 255);
}

// One layer's channels as tiles, `columns` to a row; hovering one enlarges it.
void layer_tiles(const digits::Atlas& a, const Texture& texture, const char* name, int columns, float width) {
  const float gap = 2, tile = std::floor((width - (columns - 1) * gap) / columns);
  const int rows = (a.count + columns - 1) / columns;
  ImGui::TextColored(kMuted, "%s  %d maps %dx%d", name, a.count, a.tile, a.tile);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float side = static_cast<float>(a.side);
  auto uv = [&](int c, ImVec2& uv0, ImVec2& uv1) {
    uv0 = ImVec2(a.tile_x(c) / side, a.tile_y(c) / side);
    uv1 = ImVec2((a.tile_x(c) + a.tile) / side, (a.tile_y(c) + a.tile) / side);
  };
  for (int c = 0; c < a.count; ++c) {
    ImVec2 uv0, uv1;
    uv(c, uv0, uv1);
    const ImVec2 p0(o.x + (c % columns) * (tile + gap), o.y + (c / columns) * (tile + gap));
    dl->AddImage(texture.id(), p0, ImVec2(p0.x + tile, p0.y + tile), uv0, uv1);
  }
  ImGui::Dummy(ImVec2(width, rows * (tile + gap) - gap));
  if (!ImGui::IsItemHovered()) return;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const int col = static_cast<int>((m.x - o.x) / (tile + gap)), row = static_cast<int>((m.y - o.y) / (tile + gap));
  const int c = row * columns + col;
  if (col < 0 || col >= columns || c < 0 || c >= a.count) return;
  float peak = 0;
  for (int y = 0; y < a.tile; ++y)
    for (int x = 0; x < a.tile; ++x) peak = std::max(peak, a.pixels[(a.tile_y(c) + y) * a.side + a.tile_x(c) + x]);
  ImVec2 uv0, uv1;
  uv(c, uv0, uv1);
  ImGui::BeginTooltip();
  ImGui::Text("%s, channel %d of %d (%dx%d)", name, c + 1, a.count, a.tile, a.tile);
  ImGui::TextColored(kMuted, "strongest output %.3f", peak * a.peak);
  ImGui::Image(texture.id(), ImVec2(160, 160), uv0, uv1);
  ImGui::EndTooltip();
}

// The 128 dense activations in two rows, on their common scale.
void dense_strip(const std::vector<float>& v, float width) {
  const int per_row = 64;
  const float cell = width / per_row, h = 14;
  ImGui::TextColored(kMuted, "dense1  %d activations", static_cast<int>(v.size()));
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float peak = std::max(1e-6f, *std::max_element(v.begin(), v.end()));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (std::size_t j = 0; j < v.size(); ++j) {
    const ImVec2 p0(o.x + (j % per_row) * cell, o.y + (j / per_row) * (h + 2));
    dl->AddRectFilled(p0, ImVec2(p0.x + std::max(1.0f, cell - 1), p0.y + h), grey(v[j] / peak));
  }
  const int rows = static_cast<int>((v.size() + per_row - 1) / per_row);
  ImGui::Dummy(ImVec2(width, rows * (h + 2)));
  if (!ImGui::IsItemHovered()) return;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const std::size_t j =
      static_cast<std::size_t>((m.y - o.y) / (h + 2)) * per_row + static_cast<std::size_t>((m.x - o.x) / cell);
  if (j < v.size())
    ImGui::SetTooltip("dense1, unit %d of %d: %.3f", static_cast<int>(j) + 1, static_cast<int>(v.size()), v[j]);
}

// The 10 outputs: one cell per class, brighter for more probable.
void outputs_row(const digits::DigitReading& d, const std::vector<float>& logits, float width) {
  ImGui::TextColored(kMuted, "outputs  10 classes");
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float cell = width / digits::kClasses, h = cell * 0.8f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int c = 0; c < digits::kClasses; ++c) {
    const ImVec2 p0(o.x + c * cell, o.y);
    dl->AddRectFilled(p0, ImVec2(p0.x + cell - 2, p0.y + h), grey(d.probabilities[c]));
    char label[4];
    std::snprintf(label, sizeof label, "%d", c);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    const bool dark = d.probabilities[c] > 0.5f;
    dl->AddText(ImVec2(p0.x + (cell - 2 - ts.x) / 2, p0.y + (h - ts.y) / 2),
                c == d.label ? ImGui::GetColorU32(kAccent) : (dark ? IM_COL32(20, 20, 20, 255) : IM_COL32_WHITE),
                label);
  }
  ImGui::Dummy(ImVec2(width, h));
  if (!ImGui::IsItemHovered()) return;
  const int c = static_cast<int>((ImGui::GetIO().MousePos.x - o.x) / cell);
  if (c >= 0 && c < digits::kClasses) {
    ImGui::SetTooltip("class %d: logit %.2f, probability %.1f%%", c, logits[static_cast<std::size_t>(c)],
                      100.0 * d.probabilities[c]);
  }
}

}  // namespace

void toggle_saliency(InsidePanel& p, bool runner_up) {
  if (runner_up) {
    p.runner_up = !p.runner_up;
    p.overlay = true;
  } else {
    p.overlay = !p.overlay;
  }
}

void toggle_saliency_method(InsidePanel& p) {
  p.method = p.method == digits::SaliencyMethod::GradCam ? digits::SaliencyMethod::GradientTimesInput
                                                         : digits::SaliencyMethod::GradCam;
}

void inside_panel(AppState& s, float width) {
  InsidePanel& p = s.inside;
  ImGui::SetNextItemOpen(p.open, ImGuiCond_Always);
  p.open = ImGui::CollapsingHeader("Inside the network (I)");
  if (!p.open) return;
  ImGui::Checkbox("Where it looks (S)", &p.overlay);
  ImGui::SameLine();
  ImGui::Checkbox("Runner-up (Shift+S)", &p.runner_up);
  int method = static_cast<int>(p.method);
  ImGui::RadioButton("Grad-CAM", &method, static_cast<int>(digits::SaliencyMethod::GradCam));
  ImGui::SameLine();
  ImGui::RadioButton("Gradient x input (G)", &method, static_cast<int>(digits::SaliencyMethod::GradientTimesInput));
  p.method = static_cast<digits::SaliencyMethod>(method);
  update(s);
  const digits::DigitReading* d = selected_digit(s);
  if (!s.recognizer.ready() || d == nullptr) {
    ImGui::TextColored(kMuted, "Draw something to see the network at work.");
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
  ImGui::TextWrapped("Digit %d of the reading: %d (%.0f%%). Maps and saliency: %.2f ms.", s.selected + 1, d->label,
                     100.0 * d->confidence, p.milliseconds);
  ImGui::PopStyleColor();
  for (std::size_t i = 0; i < p.atlases.size(); ++i) {
    if (p.atlases[i].count == 0) continue;
    layer_tiles(p.atlases[i], p.textures[i], kMaps[i], p.atlases[i].count <= 32 ? 8 : 16, width);
  }
  const digits::Network& net = s.recognizer.network();
  dense_strip(net.features(), width);
  outputs_row(*d, net.logits(), width);
}

// [SECTION] Overlay: the saliency map laid over the digit on the canvas

void saliency_overlay(AppState& s, ImDrawList* dl, float origin_x, float origin_y, float scale) {
  InsidePanel& p = s.inside;
  if (!p.overlay) return;
  update(s);
  const digits::DigitReading* d = selected_digit(s);
  if (!s.recognizer.ready() || d == nullptr) return;
  // The 28x28 input square on the canvas in cells of half an input pixel;
  // each cell's corners carry the map's colour and the GPU blends between them.
  constexpr int n = InsidePanel::kOverlaySteps;
  constexpr float step = static_cast<float>(digits::kImageSide) / n;
  std::array<float, n + 1> xs, ys;
  for (int i = 0; i <= n; ++i) {
    const auto xy = digits::input_to_canvas(d->box, d->placement, i * step, i * step);
    xs[i] = origin_x + xy[0] * scale;
    ys[i] = origin_y + xy[1] * scale;
  }
  const float canvas_w = static_cast<float>(s.canvas.width()) * scale, canvas_h = s.canvas.height() * scale;
  dl->PushClipRect(ImVec2(origin_x, origin_y), ImVec2(origin_x + canvas_w, origin_y + canvas_h), true);
  const auto& colours = p.overlay_colours;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const int at = j * (n + 1) + i;
      const ImU32 a = colours[at], b = colours[at + 1], c = colours[at + n + 2], e = colours[at + n + 1];
      if (((a | b | c | e) & IM_COL32_A_MASK) == 0) continue;  // fully transparent cell
      dl->AddRectFilledMultiColor(ImVec2(xs[i], ys[j]), ImVec2(xs[i + 1], ys[j + 1]), a, b, c, e);
    }
  }
  dl->PopClipRect();
}

}  // namespace app
