// The app's entry point and frame loop, for the browser (Emscripten, WebGL2)
// and the desktop (SDL2 + OpenGL 3): input events -> canvas -> prediction ->
// ImGui panels.
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <cstdio>
#include <string>

#include "app_state.h"
#include "bridge.h"
#include "digits/model.h"
#include "embedded.h"
#include "fonts.h"
#include "gl.h"
#include "ui.h"
#ifndef __EMSCRIPTEN__
#include "screenshot.h"
#endif
#include "storage.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>
#endif

namespace {

struct Runtime {
  SDL_Window* window = nullptr;
  app::AppState state;
  app::Fonts fonts;
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

void handle_event(Runtime& rt, const SDL_Event& e) {
  app::AppState& s = rt.state;
  const ImGuiIO& io = ImGui::GetIO();
  float cx = 0, cy = 0;
  switch (e.type) {
    case SDL_QUIT:
      rt.running = false;
      break;
    case SDL_MOUSEBUTTONDOWN:
      if ((e.button.button == SDL_BUTTON_LEFT || e.button.button == SDL_BUTTON_RIGHT) &&
          s.canvas_rect.contains(static_cast<float>(e.button.x), static_cast<float>(e.button.y))) {
        app::window_to_canvas(s, static_cast<float>(e.button.x), static_cast<float>(e.button.y), cx, cy);
        // The right button erases too, whatever the eraser toggle says.
        s.canvas.begin_stroke(cx, cy, s.brush_radius, s.eraser || e.button.button == SDL_BUTTON_RIGHT);
        s.sample_index = -1;
      }
      break;
    case SDL_MOUSEMOTION:
      // Every motion event is a stroke segment: ImGui only samples once a frame.
      if (s.canvas.drawing()) {
        app::window_to_canvas(s, static_cast<float>(e.motion.x), static_cast<float>(e.motion.y), cx, cy);
        s.canvas.continue_stroke(cx, cy);
      }
      break;
    case SDL_MOUSEBUTTONUP:
      s.canvas.end_stroke();
      break;
    case SDL_KEYDOWN: {
      if (io.WantTextInput) break;
      const SDL_Keycode key = e.key.keysym.sym;
      const bool ctrl = (e.key.keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0;
      if (ctrl && key == SDLK_z)
        s.canvas.undo();
      else if (key == SDLK_DELETE || key == SDLK_BACKSPACE)  // Backspace: a Mac's "delete" key
        s.canvas.clear();
      else if (key == SDLK_e)
        s.eraser = !s.eraser;
      else if (key == SDLK_r)
        app::load_random_sample(s);
      else if (key == SDLK_s)
        app::toggle_saliency(s.inside, (e.key.keysym.mod & KMOD_SHIFT) != 0);
      else if (key == SDLK_i)
        s.inside.open = !s.inside.open;
      else if (key == SDLK_g)
        app::toggle_saliency_method(s.inside);
      else if (key >= SDLK_0 && key <= SDLK_9 && !ctrl)
        app::teach(s, static_cast<int>(key - SDLK_0));  // "this is a 4": learn my handwriting
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

void frame(void* arg) {
  Runtime& rt = *static_cast<Runtime*>(arg);
  int page_w = 0, page_h = 0, win_w = 0, win_h = 0;
  SDL_GetWindowSize(rt.window, &win_w, &win_h);
  if (app::bridge::page_size(page_w, page_h) && (page_w != win_w || page_h != win_h)) {
    SDL_SetWindowSize(rt.window, page_w, page_h);
  }
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    ImGui_ImplSDL2_ProcessEvent(&e);
    handle_event(rt, e);
  }
  app::update_learning(rt.state);
  app::update_prediction(rt.state);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  app::draw_ui(rt.state, rt.fonts);
  ImGui::Render();

  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(rt.window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
#ifndef __EMSCRIPTEN__
  if (!rt.screenshot.empty() && ++rt.frames == 30) {
    const bool saved = app::save_screenshot(rt.screenshot, fb_w, fb_h);
    std::fprintf(saved ? stdout : stderr, "%s %s\n", saved ? "saved" : "could not save", rt.screenshot.c_str());
    rt.running = false;
  }
#endif
  SDL_GL_SwapWindow(rt.window);
}

float pixel_ratio(SDL_Window* window) {
#ifdef __EMSCRIPTEN__
  (void)window;
  return static_cast<float>(emscripten_get_device_pixel_ratio());
#else
  int w = 0, h = 0, fw = 0, fh = 0;
  SDL_GetWindowSize(window, &w, &h);
  SDL_GL_GetDrawableSize(window, &fw, &fh);
  return w > 0 ? static_cast<float>(fw) / static_cast<float>(w) : 1.0f;
#endif
}

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
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
#endif
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    return startup_failure(std::string("The app could not start: SDL_Init failed: ") + SDL_GetError());
  }
#ifdef __EMSCRIPTEN__
  const char* glsl_version = "#version 300 es";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
  const char* glsl_version = "#version 130";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#endif
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  rt.window = SDL_CreateWindow("Digit recognizer", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1200, 720,
                               SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
#ifdef __EMSCRIPTEN__
  const std::string graphics_needed =
      "This page draws with WebGL 2, which this browser did not provide. Try another browser or turn on hardware "
      "acceleration. (";
#else
  const std::string graphics_needed = "The app needs OpenGL 3.0, which could not be set up. (";
#endif
  if (rt.window == nullptr) return startup_failure(graphics_needed + SDL_GetError() + ")");
  SDL_GLContext gl = SDL_GL_CreateContext(rt.window);
  if (gl == nullptr) return startup_failure(graphics_needed + SDL_GetError() + ")");
  SDL_GL_MakeCurrent(rt.window, gl);
  SDL_GL_SetSwapInterval(1);

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
  ImGui_ImplSDL2_InitForOpenGL(rt.window, gl);
  ImGui_ImplOpenGL3_Init(glsl_version);
  rt.fonts = app::load_fonts(pixel_ratio(rt.window));

  app::load_weights(rt.state, embedded_weights, embedded_weights_size, "shipped model (" DIGITS_WEIGHTS_NAME ")");
  if (!weights_path.empty()) app::load_weights_file(rt.state, weights_path);
  app::storage::request_personal(rt.state);  // a personal model from an earlier visit, if any
  if (!sample.empty()) {
    rt.state.rng.seed(static_cast<unsigned>(std::stoul(sample)));
    app::load_random_sample(rt.state);
  }
  app::update_prediction(rt.state);

#ifdef __EMSCRIPTEN__
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
