// Desktop build: there is no page around the window.
#include "bridge.h"

namespace app::bridge {

void publish_reading(const digits::Reading&, int, double) {}
void publish_canvas_rect(float, float, float, float) {}
void publish_rect(const char*, float, float, float, float) {}
void publish_first_frame() {}
void publish_error(const std::string&) {}
bool open_file_picker() { return false; }

}  // namespace app::bridge
