// OpenGL headers: WebGL2 (GLES3) in the browser, desktop GL natively.
#pragma once

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif
