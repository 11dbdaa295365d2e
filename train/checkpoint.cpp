// Checkpoint file: cereal portable binary, written atomically.
#include "checkpoint.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>

#include "digits/error.h"
#include "digits/model.h"

namespace digits::train {

template <class Archive>
void serialize(Archive& ar, EpochLog& e) {
  ar(e.epoch, e.loss, e.train_accuracy, e.validation_accuracy, e.seconds, e.images_per_second);
}

template <class Archive>
void serialize(Archive& ar, AdamState& s) {
  ar(s.m, s.v, s.steps);
}

namespace {
constexpr std::uint32_t kCheckpointMagic = 0x43544744;  // "DGTC"
constexpr std::uint32_t kCheckpointVersion = 2;         // 2 adds the weight average
}  // namespace

void save_checkpoint(const Checkpoint& c, const std::string& path) {
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out);
    ar(kCheckpointMagic, kCheckpointVersion, c.fingerprint, c.next_epoch, c.best_epoch, c.best_validation, c.seconds,
       c.history, c.model, c.best_model, c.adam, c.average, c.average_updates);
  }
  write_file_atomically(path, out.str());
}

Checkpoint load_checkpoint(const std::string& path) {
  std::istringstream in(read_file(path));
  Checkpoint c;
  try {
    cereal::PortableBinaryInputArchive ar(in);
    std::uint32_t magic = 0, version = 0;
    ar(magic, version);
    if (magic != kCheckpointMagic || version < 1 || version > kCheckpointVersion) {
      throw Error(path + ": not a digits checkpoint");
    }
    ar(c.fingerprint, c.next_epoch, c.best_epoch, c.best_validation, c.seconds, c.history, c.model, c.best_model,
       c.adam);
    if (version >= 2) ar(c.average, c.average_updates);
  } catch (const cereal::Exception&) {
    throw Error(path + ": truncated checkpoint");
  } catch (const std::bad_alloc&) {
    throw Error(path + ": corrupted checkpoint");
  } catch (const std::length_error&) {
    throw Error(path + ": corrupted checkpoint");
  }
  return c;
}

}  // namespace digits::train
