// A Dear ImGui platform backend for the browser on Emscripten's html5.h:
// the WebGL 2 context, the canvas's size at the display's pixel density,
// mouse, touch (the first finger is the mouse), wheel, keys, text and the
// cursor shape. It stands in for SDL on the web, where SDL was a third of the
// page's code for what these few events do; the desktop keeps SDL.
#pragma once

// What the app itself does with the pointer and keys, besides ImGui (the
// drawing strokes, the shortcuts). Coordinates are CSS pixels of the canvas.
struct ImGui_ImplHtml5_Listener {
  void* user = nullptr;
  void (*pointer_down)(void* user, float x, float y, int button) = nullptr;  // 0 left, 1 right, 2 middle
  void (*pointer_move)(void* user, float x, float y) = nullptr;
  void (*pointer_up)(void* user) = nullptr;
  // key: 'a'-'z' and '0'-'9' for those keys, 8 for Backspace, 127 for Delete.
  void (*key_down)(void* user, int key, bool ctrl, bool shift) = nullptr;
};

// Creates a WebGL 2 context on the canvas (a CSS selector such as "#canvas")
// and listens to its events; false if the browser gives no WebGL 2.
bool ImGui_ImplHtml5_Init(const char* canvas, const ImGui_ImplHtml5_Listener& listener);
// Sizes the canvas to its CSS box times the pixel ratio and feeds ImGui the
// frame's size, time and mouse; sets the framebuffer size to draw into.
void ImGui_ImplHtml5_NewFrame(int& framebuffer_width, int& framebuffer_height);
