// A grayscale image shown through ImGui: uploaded as RGBA (white on a dark
// background) because the ImGui backend's shader samples colour textures.
#pragma once

#include <cstdint>
#include <vector>

namespace app {

class Texture {
 public:
  Texture() = default;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  ~Texture();

  // `pixels` in [0,1], `side` x `side`; `smooth` chooses linear filtering.
  void upload(const float* pixels, int side, bool smooth);
  void upload(const float* pixels, int width, int height, bool smooth);
  void* id() const { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(handle_)); }
  // How many uploads any texture has had: the picture changed (RedrawCheck).
  static std::uint64_t uploads() { return uploads_; }

 private:
  unsigned handle_ = 0;
  std::vector<std::uint8_t> rgba_;
  static inline std::uint64_t uploads_ = 0;
};

}  // namespace app
