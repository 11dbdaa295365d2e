#!/usr/bin/env bash
# Installs what is missing, builds the web app with the committed weights
# and serves it on 127.0.0.1 (PORT, default 8080). The built page,
# build-web/site/index.html, also opens straight from disk.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash cmake/deps.sh web data
bash cmake/build-web.sh >/dev/null
PORT=${PORT:-8080}
echo "Serving the digit recognizer at http://127.0.0.1:$PORT/ (Ctrl+C to stop)"
exec python3 -m http.server --bind 127.0.0.1 --directory build-web/site "$PORT"
