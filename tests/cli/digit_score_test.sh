#!/usr/bin/env bash
# The model the page runs, at the floors of "That is not a digit" and
# "a confidence that can be trusted", on sets it never saw:
#   - rejects >= 95% of held-out letters, symbols, scribbles and shapes
#     (fonts and seeds the digit score was not fitted on);
#   - accepts >= 99.5% of the MNIST test digits, >= 99% of the drawn-digit
#     and style sets;
#   - expected calibration error <= 1% on the MNIST test set and the
#     drawn-digit set.
#   digit_score_test.sh DIGITS_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
DIGITS=$1 SRC=$2 WORK=$3
WEIGHTS="$SRC/weights/mnist-i8.dgw"
mkdir -p "$WORK"
[ -f "$WORK/negatives/00999_"*.png ] 2>/dev/null || "$DIGITS" negative-set --output "$WORK/negatives" --count 1000 --seed 23
[ -f "$WORK/drawn/00999_strokes_9.png" ] || "$DIGITS" drawn-set --output "$WORK/drawn" --count 1000 --seed 99 --data "$SRC/.deps/mnist"
[ -f "$WORK/style/.done" ] || { "$DIGITS" style-set --output "$WORK/style" --seed 5 >/dev/null && touch "$WORK/style/.done"; }

"$DIGITS" evaluate --json --weights "$WEIGHTS" --negatives "$WORK/negatives" >"$WORK/evaluate.json"
"$DIGITS" predict --json --weights "$WEIGHTS" "$WORK/drawn" >"$WORK/drawn.jsonl"
"$DIGITS" predict --json --weights "$WEIGHTS" "$WORK/style" >"$WORK/style.jsonl"
python3 - "$WORK" <<'PY'
import json, sys, os
work = sys.argv[1]
failures = []
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok: failures.append(what)
e = json.load(open(os.path.join(work, "evaluate.json")))
check(e["has_digit_score"], "the page's model has a digit score")
check(e["negatives_rejected"] >= 0.95, f"rejects {100*e['negatives_rejected']:.2f}% of {e['negatives']} held-out non-digits (floor 95%)")
check(e["digits_accepted"] >= 0.995, f"accepts {100*e['digits_accepted']:.2f}% of the MNIST test digits (floor 99.5%)")
check(e["ece"] <= 0.01, f"MNIST test ECE {100*e['ece']:.3f}% (floor 1%)")
def lines(name):
    return [json.loads(l) for l in open(os.path.join(work, name)) if l.strip()]
for name, title in (("drawn.jsonl", "drawn-digit set"), ("style.jsonl", "style set")):
    rows = lines(name)
    accepted = sum(1 for r in rows if r.get("is_digit", False)) / len(rows)
    check(len(rows) >= 1000 and accepted >= 0.99, f"accepts {100*accepted:.2f}% of the {len(rows)} images of the {title} (floor 99%)")
    if name == "drawn.jsonl":
        bins = [[0, 0.0, 0] for _ in range(15)]
        for r in rows:
            truth = int(os.path.splitext(r["file"])[0].rsplit("_", 1)[1])
            b = min(14, int(r["confidence"] * 15))
            bins[b][0] += 1; bins[b][1] += r["confidence"]; bins[b][2] += r["label"] == truth
        ece = sum(abs(c - conf) for n, conf, c in bins) / len(rows)
        check(ece <= 0.01, f"drawn-digit set ECE {100*ece:.3f}% (floor 1%)")
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
PY
