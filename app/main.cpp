// The app's entry point and frame loop, for the browser (Emscripten, WebGL2,
// web/imgui_impl_html5) and the desktop (SDL2 + OpenGL 3): input events ->
// canvas -> prediction -> ImGui panels.
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app_state.h"
#include "bridge.h"
#include "digits/model.h"
#include "embedded.h"
#include "fonts.h"
#include "gl.h"
#include "redraw.h"
#include "storage.h"
#include "ui.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>

#include "imgui_impl_html5.h"
#else
#include <SDL.h>
#include <imgui_impl_sdl.h>

#include "screenshot.h"
#endif

namespace {

struct Runtime {
#ifndef __EMSCRIPTEN__
  SDL_Window* window = nullptr;
#endif
  app::AppState state;
  app::Fonts fonts;
  app::RedrawCheck redraw;
  bool first_frame_drawn = false;  // with a model loaded (the page's "ready")
  bool running = true;
  // Desktop options: --screenshot PATH saves a PNG after a few frames and exits.
  std::string screenshot;
  int frames = 0;
};

Runtime* g_runtime = nullptr;  // the page's JavaScript reaches the app through this

// A start-up failure is reported where the user looks: the terminal on the
// desktop, the page's error box on the web (the page must not just stay blank).
int startup_failure(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  app::bridge::publish_error(message);
  return 1;
}

// The input the app handles itself, besides ImGui's widgets: strokes on the
// drawing area and the keyboard shortcuts. Coordinates are window (CSS)
// pixels; button 0 is the left one, 1 the right one.
void pointer_down(app::AppState& s, float x, float y, int button) {
  if ((button != 0 && button != 1) || !s.canvas_rect.contains(x, y)) return;
  float cx = 0, cy = 0;
  app::window_to_canvas(s, x, y, cx, cy);
  // The right button erases too, whatever the eraser toggle says.
  s.canvas.begin_stroke(cx, cy, s.brush_radius, s.eraser || button == 1);
  s.sample_index = -1;
}

// Every motion event is a stroke segment: ImGui only samples once a frame.
void pointer_move(app::AppState& s, float x, float y) {
  if (!s.canvas.drawing()) return;
  float cx = 0, cy = 0;
  app::window_to_canvas(s, x, y, cx, cy);
  s.canvas.continue_stroke(cx, cy);
}

void pointer_up(app::AppState& s) { s.canvas.end_stroke(); }

// `key`: 'a'-'z' and '0'-'9' for those keys, 8 for Backspace, 127 for Delete
// (SDL's key codes for them, and what web/imgui_impl_html5 passes).
void key_down(app::AppState& s, int key, bool ctrl, bool shift) {
  if (ImGui::GetIO().WantTextInput) return;
  if (ctrl && key == 'z')
    s.canvas.undo();
  else if (key == 127 || key == 8)  // Backspace: a Mac's "delete" key
    s.canvas.clear();
  else if (key == 'e')
    s.eraser = !s.eraser;
  else if (key == 'r')
    app::load_random_sample(s);
  else if (key == 's')
    app::toggle_saliency(s.inside, shift);
  else if (key == 'i')
    s.inside.open = !s.inside.open;
  else if (key == 'g')
    app::toggle_saliency_method(s.inside);
  else if (key >= '0' && key <= '9' && !ctrl)
    app::teach(s, key - '0');  // "this is a 4": learn my handwriting
}

#ifndef __EMSCRIPTEN__
void handle_event(Runtime& rt, const SDL_Event& e) {
  app::AppState& s = rt.state;
  switch (e.type) {
    case SDL_QUIT:
      rt.running = false;
      break;
    case SDL_MOUSEBUTTONDOWN:
      pointer_down(s, static_cast<float>(e.button.x), static_cast<float>(e.button.y),
                   e.button.button == SDL_BUTTON_LEFT    ? 0
                   : e.button.button == SDL_BUTTON_RIGHT ? 1
                                                         : 2);
      break;
    case SDL_MOUSEMOTION:
      pointer_move(s, static_cast<float>(e.motion.x), static_cast<float>(e.motion.y));
      break;
    case SDL_MOUSEBUTTONUP:
      pointer_up(s);
      break;
    case SDL_KEYDOWN: {
      const SDL_Keycode key = e.key.keysym.sym;
      if (key < 128) {
        key_down(s, static_cast<int>(key), (e.key.keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0,
                 (e.key.keysym.mod & KMOD_SHIFT) != 0);
      }
      break;
    }
    case SDL_DROPFILE:
      app::load_weights_file(s, e.drop.file);
      SDL_free(e.drop.file);
      break;
    default:
      break;
  }
}
#endif

void frame(void* arg) {
  Runtime& rt = *static_cast<Runtime*>(arg);
  int fb_w = 0, fb_h = 0;
#ifdef __EMSCRIPTEN__
  ImGui_ImplHtml5_NewFrame(fb_w, fb_h);  // the page's events came in between frames
#else
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    ImGui_ImplSDL2_ProcessEvent(&e);
    handle_event(rt, e);
  }
#endif
  app::update_learning(rt.state);
  app::update_prediction(rt.state);

  ImGui_ImplOpenGL3_NewFrame();
#ifndef __EMSCRIPTEN__
  ImGui_ImplSDL2_NewFrame();
  SDL_GL_GetDrawableSize(rt.window, &fb_w, &fb_h);
#endif
  ImGui::NewFrame();
  app::draw_ui(rt.state, rt.fonts);
  ImGui::Render();

#ifdef __EMSCRIPTEN__
  // Not drawing in a frame leaves the page showing the last picture.
  if (!rt.redraw.changed(*ImGui::GetDrawData(), fb_w, fb_h)) return;
#endif
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (!rt.first_frame_drawn && rt.state.recognizer.ready()) {
    rt.first_frame_drawn = true;
    app::bridge::publish_first_frame();
  }
#ifndef __EMSCRIPTEN__
  if (!rt.screenshot.empty() && ++rt.frames == 30) {
    const bool saved = app::save_screenshot(rt.screenshot, fb_w, fb_h);
    std::fprintf(saved ? stdout : stderr, "%s %s\n", saved ? "saved" : "could not save", rt.screenshot.c_str());
    rt.running = false;
  }
  SDL_GL_SwapWindow(rt.window);
#endif
}

#ifndef __EMSCRIPTEN__
float pixel_ratio(SDL_Window* window) {
  int w = 0, h = 0, fw = 0, fh = 0;
  SDL_GetWindowSize(window, &w, &h);
  SDL_GL_GetDrawableSize(window, &fw, &fh);
  return w > 0 ? static_cast<float>(fw) / static_cast<float>(w) : 1.0f;
}
#endif

}  // namespace

#ifdef __EMSCRIPTEN__
// Called by the page (file picker, drag and drop) with a weights file's bytes.
extern "C" EMSCRIPTEN_KEEPALIVE void digits_load_weights(const unsigned char* data, int size, const char* name) {
  if (g_runtime != nullptr) app::load_weights(g_runtime->state, data, static_cast<std::size_t>(size), name);
}
// The page refuses a larger file before reading it.
extern "C" EMSCRIPTEN_KEEPALIVE double digits_max_weights_bytes() { return digits::kMaxWeightFileBytes; }
// For the browser tests (tests/web/writer.mjs): replaces the drawing with
// `strokes` strokes painted with the app's brush as the mouse paints them,
// and reads it at once through the same recognize(), publishing #prediction
// as any reading (scoring a writer's digits by mouse took minutes on a loaded
// machine). `xy` holds (u, v) pairs in units of the canvas height, u across
// the square at the canvas's centre (page.mjs's unit coordinates), `lengths`
// the points of each stroke; `radius` is in canvas pixels.
extern "C" EMSCRIPTEN_KEEPALIVE void digits_draw_strokes(const float* xy, const int* lengths, int strokes,
                                                         float radius) {
  if (g_runtime == nullptr) return;
  app::AppState& s = g_runtime->state;
  s.canvas.clear();
  const float side = static_cast<float>(s.canvas.height()), left = (static_cast<float>(s.canvas.width()) - side) / 2;
  for (int k = 0; k < strokes; ++k) {
    const int points = lengths[k];
    if (points < 1) continue;
    s.canvas.begin_stroke(left + xy[0] * side, xy[1] * side, radius, false);
    for (int i = 1; i < points; ++i) s.canvas.continue_stroke(left + xy[2 * i] * side, xy[2 * i + 1] * side);
    s.canvas.end_stroke();
    xy += 2 * points;
  }
  s.sample_index = -1;
  app::update_prediction(s);
}
#endif

#ifdef __EMSCRIPTEN__
// For tests/web/bench.mjs: reads the current drawing `count` more times at
// once, through the same pipeline, and returns the median milliseconds;
// nothing is kept or published. Next to data-ms (the reading right after an
// input event) it gives the pipeline's time warm, in the same page.
extern "C" EMSCRIPTEN_KEEPALIVE double digits_time_rereading(int count) {
  if (g_runtime == nullptr || !g_runtime->state.recognizer.ready() || count < 1) return -1;
  app::AppState& s = g_runtime->state;
  std::vector<double> ms;
  for (int i = 0; i < count; ++i) {
    const double start = emscripten_get_now();
    (void)s.recognizer.pipeline().recognize(s.canvas.pixels().data(), s.canvas.width(), s.canvas.height());
    ms.push_back(emscripten_get_now() - start);
  }
  s.recognizer.refocus();  // the panels' digit back in the network
  std::nth_element(ms.begin(), ms.begin() + count / 2, ms.end());
  return ms[static_cast<std::size_t>(count / 2)];
}
#endif

int main(int argc, char** argv) {
  static Runtime rt;
  g_runtime = &rt;
  std::string weights_path, sample;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--screenshot")
      rt.screenshot = argv[i + 1];
    else if (flag == "--weights")
      weights_path = argv[i + 1];
    else if (flag == "--sample")
      sample = argv[i + 1];
  }
#ifdef __EMSCRIPTEN__
  const char* glsl_version = "#version 300 es";
#else
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    return startup_failure(std::string("The app could not start: SDL_Init failed: ") + SDL_GetError());
  }
  const char* glsl_version = "#version 130";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  rt.window = SDL_CreateWindow("Digit recognizer", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1200, 720,
                               SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  const std::string graphics_needed = "The app needs OpenGL 3.0, which could not be set up. (";
  if (rt.window == nullptr) return startup_failure(graphics_needed + SDL_GetError() + ")");
  SDL_GLContext gl = SDL_GL_CreateContext(rt.window);
  if (gl == nullptr) return startup_failure(graphics_needed + SDL_GetError() + ")");
  SDL_GL_MakeCurrent(rt.window, gl);
  SDL_GL_SetSwapInterval(1);
#endif

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.FrameRounding = 4.0f;
  style.GrabRounding = 4.0f;
  style.WindowPadding = ImVec2(12, 12);
  style.ItemSpacing = ImVec2(8, 6);
#ifdef __EMSCRIPTEN__
  ImGui_ImplHtml5_Listener listener;
  listener.user = &rt.state;
  listener.pointer_down = [](void* s, float x, float y, int b) {
    pointer_down(*static_cast<app::AppState*>(s), x, y, b);
  };
  listener.pointer_move = [](void* s, float x, float y) { pointer_move(*static_cast<app::AppState*>(s), x, y); };
  listener.pointer_up = [](void* s) { pointer_up(*static_cast<app::AppState*>(s)); };
  listener.key_down = [](void* s, int key, bool ctrl, bool shift) {
    key_down(*static_cast<app::AppState*>(s), key, ctrl, shift);
  };
  if (!ImGui_ImplHtml5_Init("#canvas", listener)) {
    return startup_failure(
        "This page draws with WebGL 2, which this browser did not provide. Try another browser or turn on hardware "
        "acceleration.");
  }
  const float ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
#else
  ImGui_ImplSDL2_InitForOpenGL(rt.window, gl);
  const float ratio = pixel_ratio(rt.window);
#endif
  ImGui_ImplOpenGL3_Init(glsl_version);
  rt.fonts = app::load_fonts(ratio);

  app::load_weights(rt.state, embedded_weights, embedded_weights_size, "shipped model (" DIGITS_WEIGHTS_NAME ")");
  if (!weights_path.empty()) app::load_weights_file(rt.state, weights_path);
  app::storage::request_personal(rt.state);  // a personal model from an earlier visit, if any
  if (!sample.empty()) {
    rt.state.rng.seed(static_cast<unsigned>(std::stoul(sample)));
    app::load_random_sample(rt.state);
  }
  app::update_prediction(rt.state);

#ifdef __EMSCRIPTEN__
  // The first frame at once, not at the next animation frame: the browser
  // presents it with its first paint (ready 1.24 -> 0.99 s, tests/web/bench.mjs).
  frame(&rt);
  emscripten_set_main_loop_arg(frame, &rt, 0, true);
#else
  while (rt.running) frame(&rt);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(gl);
  SDL_DestroyWindow(rt.window);
  SDL_Quit();
#endif
  return 0;
}
