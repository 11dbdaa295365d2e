// A Dear ImGui platform backend on Emscripten's html5.h (see the header).
// It mirrors what imgui_impl_sdl + SDL's Emscripten driver did for the page:
// the mouse on the canvas (its button release anywhere on the page), the
// first finger as the mouse, keys on the canvas, and a mouse press that lasts
// less than a frame still seen by ImGui as a click (it samples once a frame).
#include "imgui_impl_html5.h"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <cfloat>

// clang-format off
EM_JS(void, html5_set_cursor, (const char* canvas, const char* cursor), {
  const el = document.querySelector(UTF8ToString(canvas));
  if (el) el.style.cursor = UTF8ToString(cursor);
});
// clang-format on

namespace {

struct Backend {
  const char* canvas = nullptr;
  ImGui_ImplHtml5_Listener listener;
  bool pressed[3] = {};  // pressed since the last frame: a click shorter than a frame still counts
  bool held[3] = {};
  float x = -FLT_MAX, y = -FLT_MAX;
  long finger = -1;  // the touch acting as the mouse
  double time = 0;
  ImGuiMouseCursor cursor = ImGuiMouseCursor_COUNT;
};

Backend g;

// DOM buttons are left, middle, right; ImGui's left, right, middle.
int imgui_button(unsigned short dom_button) {
  switch (dom_button) {
    case 0:
      return 0;
    case 1:
      return 2;
    case 2:
      return 1;
    default:
      return -1;
  }
}

void press(int button, float x, float y) {
  g.x = x;
  g.y = y;
  g.pressed[button] = g.held[button] = true;
  if (g.listener.pointer_down) g.listener.pointer_down(g.listener.user, x, y, button);
}

void move(float x, float y) {
  g.x = x;
  g.y = y;
  if (g.listener.pointer_move) g.listener.pointer_move(g.listener.user, x, y);
}

void release(int button) {
  if (!g.held[button]) return;
  g.held[button] = false;
  if (g.listener.pointer_up) g.listener.pointer_up(g.listener.user);
}

// The default action of a press (focusing the canvas, so that keys reach
// it) is kept.
EM_BOOL on_mouse_down(int, const EmscriptenMouseEvent* e, void*) {
  const int button = imgui_button(e->button);
  if (button >= 0) press(button, static_cast<float>(e->targetX), static_cast<float>(e->targetY));
  return EM_FALSE;
}

EM_BOOL on_mouse_move(int, const EmscriptenMouseEvent* e, void*) {
  move(static_cast<float>(e->targetX), static_cast<float>(e->targetY));
  return EM_FALSE;
}

EM_BOOL on_mouse_up(int, const EmscriptenMouseEvent* e, void*) {
  const int button = imgui_button(e->button);
  if (button >= 0) release(button);
  return EM_FALSE;
}

// The first finger down is the mouse until it lifts; the page neither
// scrolls nor makes mouse events of it (the app scrolls its own panels).
EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
  for (int i = 0; i < e->numTouches; ++i) {
    const EmscriptenTouchPoint& t = e->touches[i];
    if (!t.isChanged) continue;
    const float x = static_cast<float>(t.targetX), y = static_cast<float>(t.targetY);
    if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
      if (g.finger >= 0) continue;
      g.finger = t.identifier;
      press(0, x, y);
    } else if (t.identifier == g.finger) {
      move(x, y);
      if (type != EMSCRIPTEN_EVENT_TOUCHMOVE) {
        g.finger = -1;
        release(0);
      }
    }
  }
  return EM_TRUE;
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  // One notch: about 100 pixels or 3 lines.
  const double notch = e->deltaMode == DOM_DELTA_PIXEL ? 100.0 : e->deltaMode == DOM_DELTA_LINE ? 3.0 : 1.0;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel -= static_cast<float>(e->deltaY / notch);
  io.MouseWheelH += static_cast<float>(e->deltaX / notch);
  return EM_TRUE;
}

// Keys by DOM keyCode (below 512, ImGui's KeysDown size). The browser's
// own action is stopped for the keys it would navigate with (back, focus,
// scrolling by arrows) and for Ctrl combinations; other keys keep it, so
// that a keypress brings their text.
EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void*) {
  ImGuiIO& io = ImGui::GetIO();
  const unsigned long code = e->keyCode;
  const bool down = type == EMSCRIPTEN_EVENT_KEYDOWN;
  if (code < 512) io.KeysDown[code] = down;
  io.KeyCtrl = e->ctrlKey;
  io.KeyShift = e->shiftKey;
  io.KeyAlt = e->altKey;
  io.KeySuper = e->metaKey;
  if (down && g.listener.key_down) {
    int key = 0;
    if (code >= 'A' && code <= 'Z')
      key = static_cast<int>(code - 'A' + 'a');
    else if (code >= '0' && code <= '9')
      key = static_cast<int>(code);
    else if (code == 8)
      key = 8;
    else if (code == 46)
      key = 127;
    if (key != 0) g.listener.key_down(g.listener.user, key, e->ctrlKey || e->metaKey, e->shiftKey);
  }
  const bool navigates = code == 8 || code == 9 || (code >= 37 && code <= 40);
  return navigates || e->ctrlKey;
}

EM_BOOL on_key_press(int, const EmscriptenKeyboardEvent* e, void*) {
  if (e->charCode >= 32) ImGui::GetIO().AddInputCharacter(static_cast<unsigned int>(e->charCode));
  return EM_FALSE;
}

// Leaving the page releases what was held (its release would go unseen).
EM_BOOL on_focus(int type, const EmscriptenFocusEvent*, void*) {
  const bool focused = type == EMSCRIPTEN_EVENT_FOCUS;
  if (!focused) {
    for (int b = 0; b < 3; ++b) release(b);
    g.finger = -1;
  }
  ImGui::GetIO().AddFocusEvent(focused);
  return EM_FALSE;
}

const char* css_cursor(ImGuiMouseCursor cursor) {
  switch (cursor) {
    case ImGuiMouseCursor_None:
      return "none";
    case ImGuiMouseCursor_TextInput:
      return "text";
    case ImGuiMouseCursor_ResizeAll:
      return "move";
    case ImGuiMouseCursor_ResizeNS:
      return "ns-resize";
    case ImGuiMouseCursor_ResizeEW:
      return "ew-resize";
    case ImGuiMouseCursor_ResizeNESW:
      return "nesw-resize";
    case ImGuiMouseCursor_ResizeNWSE:
      return "nwse-resize";
    case ImGuiMouseCursor_Hand:
      return "pointer";
    case ImGuiMouseCursor_NotAllowed:
      return "not-allowed";
    default:
      return "default";
  }
}

}  // namespace

bool ImGui_ImplHtml5_Init(const char* canvas, const ImGui_ImplHtml5_Listener& listener) {
  EmscriptenWebGLContextAttributes attributes;
  emscripten_webgl_init_context_attributes(&attributes);
  attributes.alpha = EM_FALSE;
  attributes.depth = EM_FALSE;
  attributes.stencil = EM_FALSE;
  attributes.antialias = EM_FALSE;
  attributes.majorVersion = 2;
  attributes.minorVersion = 0;
  const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE context = emscripten_webgl_create_context(canvas, &attributes);
  if (context <= 0 || emscripten_webgl_make_context_current(context) != EMSCRIPTEN_RESULT_SUCCESS) return false;

  g.canvas = canvas;
  g.listener = listener;
  emscripten_set_mousedown_callback(canvas, nullptr, EM_FALSE, on_mouse_down);
  emscripten_set_mousemove_callback(canvas, nullptr, EM_FALSE, on_mouse_move);
  emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_FALSE, on_mouse_up);
  emscripten_set_touchstart_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_touchmove_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_touchend_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_touchcancel_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_wheel_callback(canvas, nullptr, EM_FALSE, on_wheel);
  emscripten_set_keydown_callback(canvas, nullptr, EM_FALSE, on_key);
  emscripten_set_keyup_callback(canvas, nullptr, EM_FALSE, on_key);
  emscripten_set_keypress_callback(canvas, nullptr, EM_FALSE, on_key_press);
  emscripten_set_focus_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_focus);
  emscripten_set_blur_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_focus);

  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "imgui_impl_html5";
  io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors;
  const struct {
    ImGuiKey key;
    int code;
  } keys[] = {{ImGuiKey_Tab, 9},        {ImGuiKey_LeftArrow, 37}, {ImGuiKey_RightArrow, 39}, {ImGuiKey_UpArrow, 38},
              {ImGuiKey_DownArrow, 40}, {ImGuiKey_PageUp, 33},    {ImGuiKey_PageDown, 34},   {ImGuiKey_Home, 36},
              {ImGuiKey_End, 35},       {ImGuiKey_Insert, 45},    {ImGuiKey_Delete, 46},     {ImGuiKey_Backspace, 8},
              {ImGuiKey_Space, 32},     {ImGuiKey_Enter, 13},     {ImGuiKey_Escape, 27},     {ImGuiKey_A, 'A'},
              {ImGuiKey_C, 'C'},        {ImGuiKey_V, 'V'},        {ImGuiKey_X, 'X'},         {ImGuiKey_Y, 'Y'},
              {ImGuiKey_Z, 'Z'}};
  for (const auto& k : keys) io.KeyMap[k.key] = k.code;
  return true;
}

void ImGui_ImplHtml5_NewFrame(int& framebuffer_width, int& framebuffer_height) {
  ImGuiIO& io = ImGui::GetIO();
  // The window is the canvas's CSS box in whole pixels (as SDL had it), its
  // framebuffer that times the pixel ratio (sharp on HiDPI screens).
  double css_width = 0, css_height = 0;
  emscripten_get_element_css_size(g.canvas, &css_width, &css_height);
  const int width = static_cast<int>(css_width), height = static_cast<int>(css_height);
  const double ratio = emscripten_get_device_pixel_ratio();
  framebuffer_width = static_cast<int>(width * ratio);
  framebuffer_height = static_cast<int>(height * ratio);
  int current_width = 0, current_height = 0;
  emscripten_get_canvas_element_size(g.canvas, &current_width, &current_height);
  if (current_width != framebuffer_width || current_height != framebuffer_height) {
    emscripten_set_canvas_element_size(g.canvas, framebuffer_width, framebuffer_height);
  }
  io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
  if (width > 0 && height > 0) {
    io.DisplayFramebufferScale = ImVec2(static_cast<float>(framebuffer_width) / static_cast<float>(width),
                                        static_cast<float>(framebuffer_height) / static_cast<float>(height));
  }

  const double now = emscripten_get_now() / 1000.0;
  io.DeltaTime = g.time > 0 && now > g.time ? static_cast<float>(now - g.time) : 1.0f / 60.0f;
  g.time = now;

  for (int b = 0; b < 3; ++b) {
    io.MouseDown[b] = g.pressed[b] || g.held[b];
    g.pressed[b] = false;
  }
  io.MousePos = ImVec2(g.x, g.y);

  const ImGuiMouseCursor cursor = io.MouseDrawCursor ? ImGuiMouseCursor_None : ImGui::GetMouseCursor();
  if (cursor != g.cursor) {
    g.cursor = cursor;
    html5_set_cursor(g.canvas, css_cursor(cursor));
  }
}
