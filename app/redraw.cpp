// A fingerprint of everything a frame draws.
#include "redraw.h"

#include <imgui.h>

#include <cstring>

#include "texture.h"

namespace app {
namespace {

struct Fingerprint {
  std::uint64_t h = 0x243f6a8885a308d3u;
  void add(std::uint64_t word) {
    h = (h ^ word) * 0x9e3779b97f4a7c15u;
    h ^= h >> 29;
  }
  // Eight bytes at a time: a frame's vertices are tens of kilobytes.
  void add_bytes(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes + i, 8);
      add(word);
    }
    std::uint64_t tail = 0;
    if (size > i) std::memcpy(&tail, bytes + i, size - i);  // an empty buffer may have no data pointer
    add(tail ^ size);
  }
  void add_float(float f) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    add(bits);
  }
};

}  // namespace

bool RedrawCheck::changed(const ImDrawData& data, int framebuffer_width, int framebuffer_height) {
  Fingerprint f;
  f.add(static_cast<std::uint64_t>(framebuffer_width) << 32 | static_cast<std::uint32_t>(framebuffer_height));
  f.add(Texture::uploads());
  for (int n = 0; n < data.CmdListsCount; ++n) {
    const ImDrawList& list = *data.CmdLists[n];
    f.add_bytes(list.VtxBuffer.Data, static_cast<std::size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
    f.add_bytes(list.IdxBuffer.Data, static_cast<std::size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      f.add_float(cmd.ClipRect.x), f.add_float(cmd.ClipRect.y), f.add_float(cmd.ClipRect.z),
          f.add_float(cmd.ClipRect.w);
      f.add(reinterpret_cast<std::uintptr_t>(cmd.TextureId));
      f.add(static_cast<std::uint64_t>(cmd.VtxOffset) << 32 | cmd.IdxOffset);
      f.add(cmd.ElemCount);
      f.add(reinterpret_cast<std::uintptr_t>(cmd.UserCallback));
    }
  }
  const std::uint64_t fingerprint = f.h | 1;  // never 0, which means "nothing shown yet"
  if (fingerprint == shown_) return false;
  shown_ = fingerprint;
  return true;
}

}  // namespace app
