#!/usr/bin/env bash
# Lists the project's own C++ sources (what clang-format checks).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
find "$ROOT/app" "$ROOT/core" "$ROOT/train" "$ROOT/web" "$ROOT/tests" \
  -name node_modules -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort
