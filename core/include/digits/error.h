// The one exception type core throws: its message names the file (or input)
// and what is wrong with it, so a user can act on it.
#pragma once

#include <stdexcept>
#include <string>

namespace digits {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace digits
