// libFuzzer target: arbitrary bytes as a weights file must either load as a
// valid model or raise digits::Error -- never crash, leak or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "digits/error.h"
#include "digits/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const digits::Model m = digits::parse_model(data, size, "fuzz");
    digits::validate_model(m, "fuzz");
  } catch (const digits::Error&) {
  }
  return 0;
}
