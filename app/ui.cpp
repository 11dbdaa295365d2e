// [SECTION] Layout
// [SECTION] Sidebar: the model
// [SECTION] Canvas and tools
// [SECTION] Prediction: digit, confidence, histogram, model input
#include "ui.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "bridge.h"
#include "digits/architecture.h"
#include "embedded.h"
#include "fonts.h"

namespace app {
namespace {

const ImVec4 kAccent(0.33f, 0.72f, 1.0f, 1.0f);
const ImVec4 kMuted(0.62f, 0.66f, 0.74f, 1.0f);
const ImVec4 kWarn(1.0f, 0.72f, 0.3f, 1.0f);
const ImVec4 kError(1.0f, 0.42f, 0.42f, 1.0f);

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored(kMuted, "%s", text);
  ImGui::Separator();
}

// [SECTION] Sidebar: the model

void sidebar(AppState& s) {
  ImGui::TextColored(kAccent, "Handwritten digit recognizer");
  ImGui::TextWrapped(
      "A CNN trained on MNIST with tiny-dnn, running in your browser (C++ -> WebAssembly). "
      "Nothing you draw leaves this page.");
  heading("Model");
  if (!s.recognizer.ready()) {
    ImGui::TextColored(kError, "No model loaded.");
    return;
  }
  const digits::ModelMetadata& m = s.recognizer.metadata();
  const digits::Architecture& arch = digits::reference_architecture();
  ImGui::TextWrapped("%s", s.recognizer.model_name().c_str());
  ImGui::Text("Test accuracy  %.2f%%", 100.0 * m.test_accuracy);
  ImGui::Text("Epochs         %u", m.epochs);
  ImGui::Text("Parameters     %d", arch.parameter_count());
  if (m.train_seconds > 0) ImGui::Text("Training time  %.0f min", m.train_seconds / 60.0);
  if (!m.trained_at.empty()) ImGui::Text("Trained        %.10s", m.trained_at.c_str());
  if (ImGui::CollapsingHeader("Architecture")) {
    for (const digits::LayerSpec& l : arch.layers) {
      ImGui::Text("%-9s %2dx%-2dx%-3d", digits::layer_name(l).c_str(), l.out.width, l.out.height, l.out.channels);
    }
  }
  if (ImGui::CollapsingHeader("Per-class metrics (test set)")) {
    if (ImGui::BeginTable("metrics", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
      ImGui::TableSetupColumn("digit");
      ImGui::TableSetupColumn("precision");
      ImGui::TableSetupColumn("recall");
      ImGui::TableSetupColumn("F1");
      ImGui::TableHeadersRow();
      for (int c = 0; c < digits::kClasses; ++c) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", c);
        ImGui::TableNextColumn();
        ImGui::Text("%.4f", m.precision[c]);
        ImGui::TableNextColumn();
        ImGui::Text("%.4f", m.recall[c]);
        ImGui::TableNextColumn();
        ImGui::Text("%.4f", m.f1[c]);
      }
      ImGui::EndTable();
    }
  }
  heading("Performance");
  ImGui::Text("Last prediction  %.2f ms", s.prediction.milliseconds);
  ImGui::Text("Frame rate       %.0f fps", ImGui::GetIO().Framerate);
  heading("Weights");
  if (ImGui::Button("Load weights file...")) {
    if (!bridge::open_file_picker()) s.notice = "Drop a .dgw file (from `digits train`) onto the window.";
  }
  ImGui::TextColored(kMuted, "or drop a .dgw file on the canvas");
  if (!s.recognizer.error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, kError);
    ImGui::TextWrapped("%s", s.recognizer.error().c_str());
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("Dismiss")) {
      s.recognizer.clear_error();
      bridge::publish_error("");
    }
  } else if (!s.notice.empty()) {
    ImGui::TextWrapped("%s", s.notice.c_str());
  }
}

// [SECTION] Canvas and tools

void canvas_panel(AppState& s, float side) {
  if (s.uploaded_version != s.canvas.version()) {
    s.canvas_texture.upload(s.canvas.pixels().data(), Canvas::kSide, true);
    s.uploaded_version = s.canvas.version();
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Image(s.canvas_texture.id(), ImVec2(side, side));
  s.canvas_rect = {origin.x, origin.y, side, side};
  bridge::publish_canvas_rect(origin.x, origin.y, side, side);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 end(origin.x + side, origin.y + side);
  dl->AddRect(origin, end, ImGui::GetColorU32(ImVec4(0.3f, 0.34f, 0.42f, 1)), 4.0f, 0, 2.0f);
  const float k = side / Canvas::kSide;
  if (s.prediction.empty) {
    const char* hint = "Draw a digit here";
    const ImVec2 ts = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(origin.x + (side - ts.x) / 2, origin.y + (side - ts.y) / 2), ImGui::GetColorU32(kMuted), hint);
  } else {
    // The ink's bounding box: what preprocessing crops before scaling to 20 px.
    const digits::Box& b = s.prediction.input.ink;
    dl->AddRect(ImVec2(origin.x + b.x * k, origin.y + b.y * k),
                ImVec2(origin.x + (b.x + b.width) * k, origin.y + (b.y + b.height) * k),
                ImGui::GetColorU32(ImVec4(kAccent.x, kAccent.y, kAccent.z, 0.45f)), 0, 0, 1.0f);
  }
  // Brush outline under the mouse.
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (s.canvas_rect.contains(mouse.x, mouse.y)) {
    dl->AddCircle(mouse, s.brush_radius * k, ImGui::GetColorU32(s.eraser ? kWarn : kAccent), 32, 1.0f);
  }

  // The tools wrap under the canvas on narrow screens instead of running off it.
  const float right = origin.x + side;
  auto next_fits = [&](float width) {
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
  };
  auto button_width = [](const char* label) {
    return ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x;
  };
  ImGui::SetNextItemWidth(std::min(side * 0.35f, 160.0f));
  ImGui::SliderFloat("##brush", &s.brush_radius, 4.0f, 24.0f, "brush %.0f");
  next_fits(button_width("Eraser (E)") + ImGui::GetFrameHeight());
  ImGui::Checkbox("Eraser (E)", &s.eraser);
  next_fits(button_width("Undo (Ctrl+Z)"));
  ImGui::BeginDisabled(!s.canvas.can_undo());
  if (ImGui::Button("Undo (Ctrl+Z)")) s.canvas.undo();
  ImGui::EndDisabled();
  next_fits(button_width("Clear (Del)"));
  if (ImGui::Button("Clear (Del)")) s.canvas.clear();
  if (ImGui::Button("Try an MNIST digit (R)")) load_random_sample(s);
  if (s.sample_index >= 0) {
    next_fits(ImGui::CalcTextSize("test image #000, labelled 0").x);
    ImGui::TextColored(kMuted, "test image #%d, labelled %d", s.sample_index, embedded_sample_labels[s.sample_index]);
  }
}

// [SECTION] Prediction: digit, confidence, histogram, model input

void histogram(const Prediction& p, float width, float height) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float label_h = ImGui::GetTextLineHeight() + 4;
  const float bars_h = height - 2 * label_h;
  const float slot = width / digits::kClasses;
  dl->AddLine(ImVec2(o.x, o.y + label_h + bars_h), ImVec2(o.x + width, o.y + label_h + bars_h),
              ImGui::GetColorU32(kMuted));
  for (int c = 0; c < digits::kClasses; ++c) {
    const float v = p.empty ? 0.0f : p.probabilities[c];
    const float x0 = o.x + c * slot + slot * 0.18f, x1 = o.x + (c + 1) * slot - slot * 0.18f;
    const float y1 = o.y + label_h + bars_h, y0 = y1 - std::max(1.0f, v * bars_h);
    const bool winner = !p.empty && c == p.label;
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1),
                      ImGui::GetColorU32(winner ? kAccent : ImVec4(0.42f, 0.46f, 0.55f, 1)), 2.0f);
    char label[4];
    std::snprintf(label, sizeof label, "%d", c);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2(o.x + c * slot + (slot - ts.x) / 2, y1 + 3), ImGui::GetColorU32(winner ? kAccent : kMuted),
                label);
    if (v >= 0.005f) {
      char pct[8];
      std::snprintf(pct, sizeof pct, "%.0f%%", 100 * v);
      const ImVec2 ps = ImGui::CalcTextSize(pct);
      dl->AddText(ImVec2(o.x + c * slot + (slot - ps.x) / 2, y0 - ps.y - 1), ImGui::GetColorU32(kMuted), pct);
    }
  }
  ImGui::Dummy(ImVec2(width, height));
}

void result_panel(AppState& s, const Fonts& fonts, float width) {
  const Prediction& p = s.prediction;
  heading("Prediction");
  if (!s.recognizer.ready()) {
    ImGui::TextColored(kError, "No model: load a weights file.");
  } else if (p.empty) {
    ImGui::PushFont(fonts.large);
    ImGui::TextColored(kMuted, "?");
    ImGui::PopFont();
    ImGui::TextWrapped("Draw a digit (0-9) on the canvas, as large as you like.");
  } else {
    ImGui::PushFont(fonts.large);
    ImGui::TextColored(p.confidence >= 0.6f ? kAccent : kWarn, "%d", p.label);
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("Confidence");
    ImGui::PushFont(fonts.medium);
    ImGui::Text("%.1f%%", 100.0 * p.confidence);
    ImGui::PopFont();
    ImGui::EndGroup();
    if (p.confidence < 0.6f) {
      ImGui::TextColored(kWarn, "Not sure: could also be %d (%.0f%%).", p.runner_up,
                         100.0 * p.probabilities[p.runner_up]);
    }
  }
  heading("Probabilities");
  histogram(p, width, std::clamp(width * 0.55f, 110.0f, 190.0f));
  heading("What the model sees (28x28)");
  const float img = std::min(width, 168.0f);
  ImGui::Image(s.input_texture.id(), ImVec2(img, img));
  ImGui::SameLine();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(80.0f, width - img - 12));
  ImGui::TextColored(kMuted,
                     "Your drawing, cropped to its ink, scaled to fit 20x20 and centred by mass, "
                     "the way MNIST digits were made.");
  ImGui::PopTextWrapPos();
}

// Touch screens have no scroll wheel: a drag that starts on a panel's
// background (not on a widget, not on the canvas) scrolls that panel, the way
// a finger scrolls a web page. Called last inside each scrollable window.
enum Panel { kRootPanel, kSidebarPanel, kResultPanel };

void drag_to_scroll(AppState& s, Panel panel) {
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const bool on_canvas = s.canvas.drawing() || s.canvas_rect.contains(io.MousePos.x, io.MousePos.y);
    if (ImGui::IsWindowHovered() && !ImGui::IsAnyItemHovered() && !on_canvas) s.scroll_panel = panel;
    return;  // a touch moves the pointer on the press itself: no delta to apply yet
  }
  if (s.scroll_panel != panel) return;
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    s.scroll_panel = -1;
  } else if (io.MouseDelta.y != 0) {
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
  }
}

}  // namespace

// [SECTION] Layout

void draw_ui(AppState& s, const Fonts& fonts) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoSavedSettings);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetContentRegionAvail().y;
  const float tools_h = 2 * ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y;
  const bool wide = w >= 900;
  if (wide) {
    const float side_w = 250, result_w = std::clamp(w * 0.26f, 240.0f, 340.0f);
    const float canvas_side = std::max(120.0f, std::min(h - tools_h, w - side_w - result_w - 4 * style.ItemSpacing.x));
    ImGui::BeginChild("sidebar", ImVec2(side_w, 0));
    sidebar(s);
    drag_to_scroll(s, kSidebarPanel);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("canvas", ImVec2(canvas_side + 2 * style.WindowPadding.x, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    canvas_panel(s, canvas_side);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("result", ImVec2(0, 0));
    result_panel(s, fonts, ImGui::GetContentRegionAvail().x);
    drag_to_scroll(s, kResultPanel);
    ImGui::EndChild();
  } else {
    // Narrow screens (phones): canvas first, then the result, then the model.
    const float canvas_side = std::max(120.0f, std::min(w, h * 0.6f));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (w - canvas_side) / 2);
    ImGui::BeginGroup();
    canvas_panel(s, canvas_side);
    ImGui::EndGroup();
    result_panel(s, fonts, w);
    sidebar(s);
  }
  drag_to_scroll(s, kRootPanel);
  ImGui::End();
}

}  // namespace app
