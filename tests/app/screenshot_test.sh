#!/usr/bin/env bash
# The desktop build starts under Xvfb, renders frames with an MNIST digit on
# the canvas and saves a screenshot, which must show the rendered app (many
# colours, none covering nearly everything), not a blank frame.
#   screenshot_test.sh APP_BINARY OUT.png
set -euo pipefail
rm -f "$2"
mkdir -p "$(dirname "$2")"
timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$1" --sample 7 --screenshot "$2"
test -s "$2"
echo "screenshot: $2 ($(stat -c %s "$2") bytes)"
python3 "$(dirname "$0")/screenshot_check.py" "$2"
