// Desktop side of app/storage.h: nothing persists between runs; export writes
// a file in the working directory.
#include "digits/error.h"
#include "digits/model.h"
#include "storage.h"

namespace app::storage {

void request_personal(AppState&) {}
void save_personal(const std::string&, const std::string&) {}
void forget_personal() {}

std::string export_file(const std::string& name, const std::string& bytes) {
  try {
    digits::write_file_atomically(name, bytes);
    return "Exported to " + name;
  } catch (const digits::Error& e) {
    return e.what();
  }
}

void publish_personal_examples(int) {}
void publish_learning(int, double) {}
void publish_learn_text(const std::string&, const std::string&) {}
void publish_button_rect(const char*, float, float, float, float) {}

}  // namespace app::storage
