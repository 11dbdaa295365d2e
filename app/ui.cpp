// [SECTION] Layout
// [SECTION] Sidebar: the model
// [SECTION] Canvas and tools
// [SECTION] Reading: the number, then the selected digit's confidence, histogram, model input
#include "ui.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bridge.h"
#include "digits/architecture.h"
#include "embedded.h"
#include "fonts.h"
#include "panel_learn.h"

namespace app {
namespace {

const ImVec4 kAccent(0.33f, 0.72f, 1.0f, 1.0f);
const ImVec4 kMuted(0.62f, 0.66f, 0.74f, 1.0f);
const ImVec4 kWarn(1.0f, 0.72f, 0.3f, 1.0f);
const ImVec4 kError(1.0f, 0.42f, 0.42f, 1.0f);

// Below this confidence a digit is shown amber, with its runner-up.
constexpr float kUnsure = 0.6f;

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored(kMuted, "%s", text);
  ImGui::Separator();
}

void wrapped(const ImVec4& colour, const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

// Not a digit: grey; unsure: amber; otherwise the accent.
ImVec4 digit_colour(const digits::DigitReading& d) {
  if (!d.is_digit) return kMuted;
  return d.confidence >= kUnsure ? kAccent : kWarn;
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
  ImGui::Text("Last reading     %.2f ms", s.recognizer.milliseconds());
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

// The canvas's size in canvas pixels follows the drawing area's shape, so
// ink is never stretched.
void fit_canvas(AppState& s, float width, float height) {
  if (s.canvas.drawing() || height <= 0) return;
  const int wanted = static_cast<int>(std::lround(Canvas::kHeight * width / height / 4)) * 4;
  s.canvas.resize(wanted);
}

// Each digit's box with its label and confidence; the selected one stands out.
void digit_boxes(AppState& s, ImVec2 origin, float k) {
  const digits::Reading& r = s.recognizer.reading();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered = -1;
  for (std::size_t i = 0; i < r.digits.size(); ++i) {
    const digits::DigitReading& d = r.digits[i];
    const float pad = 4;
    const ImVec2 a(origin.x + d.box.x * k - pad, origin.y + d.box.y * k - pad);
    const ImVec2 b(origin.x + (d.box.x + d.box.width) * k + pad, origin.y + (d.box.y + d.box.height) * k + pad);
    if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) hovered = static_cast<int>(i);
    const bool selected = static_cast<int>(i) == s.selected;
    const ImVec4 colour = digit_colour(d);
    dl->AddRect(a, b, ImGui::GetColorU32(ImVec4(colour.x, colour.y, colour.z, selected ? 0.95f : 0.45f)), 3.0f, 0,
                selected ? 2.0f : 1.0f);
    char tag[32];
    if (d.is_digit)
      std::snprintf(tag, sizeof tag, "%d  %.0f%%", d.label, 100.0 * d.confidence);
    else
      std::snprintf(tag, sizeof tag, "not a digit (%d?)", d.label);
    const ImVec2 ts = ImGui::CalcTextSize(tag);
    // Above the box, or inside its top edge when the box touches the canvas's top.
    const float ty = a.y - ts.y - 4 >= origin.y ? a.y - ts.y - 4 : a.y + 2;
    const ImVec2 t(a.x, ty);
    dl->AddRectFilled(ImVec2(t.x - 1, t.y), ImVec2(t.x + ts.x + 7, t.y + ts.y + 2),
                      ImGui::GetColorU32(ImVec4(0.08f, 0.09f, 0.11f, selected ? 0.9f : 0.7f)), 3.0f);
    dl->AddText(ImVec2(t.x + 3, t.y + 1), ImGui::GetColorU32(selected ? colour : kMuted), tag);
  }
  // Moving the pointer into a box selects its digit. A press on the canvas
  // draws, so it cannot select; and a stroke that ends inside a box (the
  // digit just drawn) leaves the selection where it was.
  const bool pointing = !s.canvas.drawing() && !ImGui::IsMouseDown(ImGuiMouseButton_Left);
  if (pointing && hovered >= 0 && hovered != s.hovered_box) select_digit(s, hovered);
  s.hovered_box = hovered;
}

// `height` is a wish: the canvas's shape decides (see fit_canvas).
void canvas_panel(AppState& s, float width, float height) {
  fit_canvas(s, width, height);
  height = width * Canvas::kHeight / static_cast<float>(s.canvas.width());
  if (s.uploaded_version != s.canvas.version()) {
    s.canvas_texture.upload(s.canvas.pixels().data(), s.canvas.width(), s.canvas.height(), true);
    s.uploaded_version = s.canvas.version();
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Image(s.canvas_texture.id(), ImVec2(width, height));
  s.canvas_rect = {origin.x, origin.y, width, height};
  bridge::publish_canvas_rect(origin.x, origin.y, width, height);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 end(origin.x + width, origin.y + height);
  dl->AddRect(origin, end, ImGui::GetColorU32(ImVec4(0.3f, 0.34f, 0.42f, 1)), 4.0f, 0, 2.0f);
  const float k = height / Canvas::kHeight;
  saliency_overlay(s, dl, origin.x, origin.y, k);
  if (s.recognizer.reading().empty) {
    const char* hint = "Draw a digit or a number here";
    const ImVec2 ts = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(origin.x + (width - ts.x) / 2, origin.y + (height - ts.y) / 2), ImGui::GetColorU32(kMuted),
                hint);
    s.hovered_box = -1;
  } else {
    digit_boxes(s, origin, k);
  }
  // Brush outline under the mouse.
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (s.canvas_rect.contains(mouse.x, mouse.y)) {
    dl->AddCircle(mouse, s.brush_radius * k, ImGui::GetColorU32(s.eraser ? kWarn : kAccent), 32, 1.0f);
  }

  // The tools wrap under the canvas on narrow screens instead of running off it.
  const float right = origin.x + width;
  auto next_fits = [&](float width) {
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
  };
  auto button_width = [](const char* label) {
    return ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x;
  };
  ImGui::SetNextItemWidth(std::min(width * 0.35f, 160.0f));
  ImGui::SliderFloat("##brush", &s.brush_radius, 4.0f, 24.0f, "brush %.0f");
  next_fits(button_width("Eraser (E)") + ImGui::GetFrameHeight());
  ImGui::Checkbox("Eraser (E)", &s.eraser);
  next_fits(button_width("Undo (Ctrl+Z)"));
  ImGui::BeginDisabled(!s.canvas.can_undo());
  if (ImGui::Button("Undo (Ctrl+Z)")) s.canvas.undo();
  ImGui::EndDisabled();
  next_fits(button_width("Clear (Del)"));
  if (ImGui::Button("Clear (Del)")) s.canvas.clear();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Del or Backspace");
  next_fits(button_width("Try an MNIST digit (R)"));
  if (ImGui::Button("Try an MNIST digit (R)")) load_random_sample(s);
  if (s.sample_index >= 0 && s.canvas.version() == s.sample_version) {
    next_fits(ImGui::CalcTextSize("training image #000, labelled 0").x);
    ImGui::TextColored(kMuted, "training image #%d, labelled %d", s.sample_index,
                       embedded_sample_labels[s.sample_index]);
  }
}

// [SECTION] Reading: the number, then the selected digit's confidence, histogram, model input

// The number, large; each digit is a button that selects it (hover or click
// with a mouse, tap with a finger).
void number_panel(AppState& s, const Fonts& fonts, float width) {
  const digits::Reading& r = s.recognizer.reading();
  if (!s.recognizer.ready()) {
    ImGui::TextColored(kError, "No model: load a weights file.");
    return;
  }
  ImGui::PushFont(fonts.large);
  if (r.empty) {
    ImGui::TextColored(kMuted, "?");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushFont(fonts.medium);
    wrapped(kMuted, "Draw a digit or a number");
    ImGui::PopFont();
    wrapped(kMuted, "Digits side by side read as a number. Write them as large as you like.");
    ImGui::EndGroup();
    return;
  }
  const float gap = ImGui::CalcTextSize("0").x * 0.25f;
  if ((ImGui::CalcTextSize("0").x + gap) * static_cast<float>(r.digits.size()) > width * 0.6f) {
    ImGui::PopFont();
    ImGui::PushFont(fonts.medium);  // a long number: smaller, so it still fits beside its caption
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (std::size_t i = 0; i < r.digits.size(); ++i) {
    const digits::DigitReading& d = r.digits[i];
    const int index = static_cast<int>(i);
    const char text[2] = {static_cast<char>('0' + d.label), 0};
    const ImVec2 size = ImGui::CalcTextSize(text), pos = ImGui::GetCursorScreenPos();
    ImGui::PushID(index);
    if (ImGui::InvisibleButton("digit", size) || ImGui::IsItemHovered()) select_digit(s, index);
    ImGui::PopID();
    const bool selected = index == s.selected, several = r.digits.size() > 1;
    // The selected digit in its colour; the others in the text colour unless grey or amber.
    const ImVec4 c = digit_colour(d);
    const bool plain = several && !selected && d.is_digit && d.confidence >= kUnsure;
    dl->AddText(pos, ImGui::GetColorU32(plain ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : c), text);
    if (selected && several) {
      dl->AddRectFilled(ImVec2(pos.x + 2, pos.y + size.y - 2), ImVec2(pos.x + size.x - 2, pos.y + size.y + 2),
                        ImGui::GetColorU32(c), 2.0f);
    }
    ImGui::SameLine(0, gap);
  }
  ImGui::PopFont();
  ImGui::SameLine(0, 3 * gap);
  ImGui::BeginGroup();
  const int parts = static_cast<int>(r.digits.size());
  const int odd = static_cast<int>(
      std::count_if(r.digits.begin(), r.digits.end(), [](const digits::DigitReading& d) { return !d.is_digit; }));
  // The chance that every digit is right, if the digits were independent.
  double all_right = 1;
  for (const digits::DigitReading& d : r.digits) all_right *= d.confidence;
  if (parts == 1)
    ImGui::TextColored(kMuted, "One digit");
  else
    ImGui::TextColored(kMuted, "%d digits", parts);
  ImGui::PushFont(fonts.medium);
  if (odd > 0)
    wrapped(kWarn, parts == 1 ? "That doesn't look like a digit" : "Some parts don't look like digits");
  else
    ImGui::TextColored(all_right >= kUnsure ? kAccent : kWarn, "%.1f%%", 100.0 * all_right);
  ImGui::PopFont();
  if (odd > 0)
    wrapped(kMuted, "A grey digit is only the model's best guess.");
  else
    wrapped(kMuted, parts == 1 ? "confident" : "sure of the whole number");
  if (parts > 1) wrapped(kMuted, "Hover over a box or tap a digit for its details.");
  ImGui::EndGroup();
}

void histogram(const digits::DigitReading* d, float width, float height) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float label_h = ImGui::GetTextLineHeight() + 4;
  const float bars_h = height - 2 * label_h;
  const float slot = width / digits::kClasses;
  // Not a digit: the guess stays visible but greyed, so it reads as a guess.
  const ImVec4 top = d != nullptr && !d->is_digit ? kMuted : kAccent;
  const ImVec4 bar = d != nullptr && !d->is_digit ? ImVec4(0.3f, 0.32f, 0.37f, 1) : ImVec4(0.42f, 0.46f, 0.55f, 1);
  dl->AddLine(ImVec2(o.x, o.y + label_h + bars_h), ImVec2(o.x + width, o.y + label_h + bars_h),
              ImGui::GetColorU32(kMuted));
  for (int c = 0; c < digits::kClasses; ++c) {
    const float v = d == nullptr ? 0.0f : d->probabilities[c];
    const float x0 = o.x + c * slot + slot * 0.18f, x1 = o.x + (c + 1) * slot - slot * 0.18f;
    const float y1 = o.y + label_h + bars_h, y0 = y1 - std::max(1.0f, v * bars_h);
    const bool winner = d != nullptr && c == d->label;
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), ImGui::GetColorU32(winner ? top : bar), 2.0f);
    char label[4];
    std::snprintf(label, sizeof label, "%d", c);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2(o.x + c * slot + (slot - ts.x) / 2, y1 + 3), ImGui::GetColorU32(winner ? top : kMuted), label);
    if (v >= 0.005f) {
      char pct[8];
      std::snprintf(pct, sizeof pct, "%.0f%%", 100 * v);
      const ImVec2 ps = ImGui::CalcTextSize(pct);
      const float px = std::clamp(o.x + c * slot + (slot - ps.x) / 2, o.x, o.x + width - ps.x);
      dl->AddText(ImVec2(px, y0 - ps.y - 1), ImGui::GetColorU32(kMuted), pct);
    }
  }
  ImGui::Dummy(ImVec2(width, height));
}

// The selected digit: its label and confidence (or why it is not a digit),
// the probabilities of all ten classes and the 28x28 image the network saw.
void digit_panel(AppState& s, const Fonts& fonts, float width) {
  const digits::Reading& r = s.recognizer.reading();
  const digits::DigitReading* d = selected_digit(s);
  char title[48] = "Prediction";
  if (r.digits.size() > 1) std::snprintf(title, sizeof title, "Digit %d of %d", s.selected + 1, int(r.digits.size()));
  heading(title);
  if (d == nullptr) {
    ImGui::TextWrapped("Draw a digit (0-9) or a number on the canvas, as large as you like.");
  } else if (!d->is_digit) {
    ImGui::PushFont(fonts.medium);
    wrapped(kWarn, "That doesn't look like a digit");
    ImGui::PopFont();
    ImGui::TextColored(kMuted, "Best guess %d (%.0f%%), digit score %.2f", d->label, 100.0 * d->confidence,
                       d->digit_score);
  } else {
    ImGui::PushFont(fonts.medium);
    ImGui::TextColored(digit_colour(*d), "%d", d->label);
    ImGui::SameLine();
    ImGui::Text("%.1f%%", 100.0 * d->confidence);
    const float medium_h = ImGui::GetItemRectSize().y;
    ImGui::PopFont();
    ImGui::SameLine();
    // On the medium text's baseline.
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + medium_h - ImGui::GetTextLineHeight() - 3);
    ImGui::TextColored(kMuted, "confident");
    if (d->confidence < kUnsure) {
      ImGui::TextColored(kWarn, "Not sure: could also be %d (%.0f%%).", d->runner_up,
                         100.0 * d->probabilities[d->runner_up]);
    }
    if (d->has_digit_score) ImGui::TextColored(kMuted, "Digit score %.2f", d->digit_score);
  }
  heading("Probabilities");
  histogram(d, width, std::clamp(width * 0.55f, 110.0f, 190.0f));
  learn_from_histogram(s, width);  // a click on a bar teaches that digit (panel_learn.h)
  heading("What the model sees (28x28)");
  const float img = std::min(width, 168.0f);
  ImGui::Image(s.input_texture.id(), ImVec2(img, img));
  ImGui::SameLine();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(80.0f, width - img - 12));
  ImGui::TextColored(kMuted,
                     "The digit's ink, cropped, scaled to fit 20x20 and centred by mass, "
                     "the way MNIST digits were made.");
  ImGui::PopTextWrapPos();
}

// Touch screens have no scroll wheel: a drag that starts on a panel's
// background (not on a widget, not on the canvas) scrolls that panel, the way
// a finger scrolls a web page. Called last inside each scrollable window.
enum Panel { kRootPanel, kResultPanel };

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
  const float number_h = fonts.large->FontSize * ImGui::GetIO().FontGlobalScale + 2 * style.ItemSpacing.y;
  const bool wide = w >= 900;
  if (wide) {
    // The drawing area and the number on the left, as wide as possible (about
    // twice as wide as tall); the selected digit and the model on the right.
    const float result_w = std::clamp(w * 0.28f, 300.0f, 380.0f);
    const float main_w = w - result_w - style.ItemSpacing.x;
    const float canvas_h = std::max(120.0f, std::min(main_w / 2, h - tools_h - number_h));
    const float canvas_w = std::min(main_w, 3 * canvas_h);
    ImGui::BeginChild("canvas", ImVec2(main_w, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (main_w - canvas_w) / 2);
    ImGui::BeginGroup();
    canvas_panel(s, canvas_w, canvas_h);
    ImGui::EndGroup();
    number_panel(s, fonts, main_w);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("result", ImVec2(0, 0));
    digit_panel(s, fonts, ImGui::GetContentRegionAvail().x);
    inside_panel(s, ImGui::GetContentRegionAvail().x);
    ImGui::Spacing();
    learn_panel(s);
    sidebar(s);
    drag_to_scroll(s, kResultPanel);
    ImGui::EndChild();
  } else {
    // Narrow screens (phones): the canvas across the screen, then the number,
    // the selected digit and the model.
    const float canvas_h = std::max(120.0f, std::min(w / 1.5f, h * 0.45f));
    canvas_panel(s, std::min(w, 3 * canvas_h), canvas_h);
    number_panel(s, fonts, w);
    digit_panel(s, fonts, w);
    inside_panel(s, w);
    learn_panel(s);
    sidebar(s);
  }
  drag_to_scroll(s, kRootPanel);
  ImGui::End();
}

}  // namespace app
