// Desktop only: saves the current framebuffer as a PNG (for tests and docs).
#pragma once

#include <string>

namespace app {

bool save_screenshot(const std::string& path, int width, int height);

}  // namespace app
