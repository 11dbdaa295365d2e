#!/usr/bin/env bash
# The model the page runs (weights/mnist-i8.dgw, the int8 copy of the shipped model) reading
# numbers with `digits predict` (segmentation + recognition) on a numbers set
# (2 to 6 digits; apart, nearly touching, touching): exact-number accuracy per
# group at or above its floor.
#   number_set_test.sh DIGITS_BINARY SOURCE_DIR OUT_DIR MIN_APART MIN_NEAR MIN_TOUCHING
set -euo pipefail
DIGITS=$1 SRC=$2 SET=$3
declare -A floor=([apart]=$4 [near]=$5 [touching]=$6)
[ -f "$SET/00299_touching_"*.png ] 2>/dev/null || {
  rm -rf "$SET"
  "$DIGITS" number-set --output "$SET" --count 300 --seed 99 --data "$SRC/.deps/mnist"
}
declare -A total=() right=()
while read -r line; do
  file=$(sed -E 's/.*"file":"([^"]*)".*/\1/' <<<"$line")
  number=$(sed -E 's/.*"number":"([0-9]*)".*/\1/' <<<"$line")
  name=$(basename "$file" .png)
  truth=${name##*_}
  group=${name#*_}
  group=${group%_*}
  total[$group]=$((${total[$group]:-0} + 1))
  [ "$number" = "$truth" ] && right[$group]=$((${right[$group]:-0} + 1))
done < <("$DIGITS" predict --json --weights "$SRC/weights/mnist-i8.dgw" "$SET")
status=0
for group in apart near touching; do
  t=${total[$group]:-0} r=${right[$group]:-0}
  if [ "$t" -eq 100 ] && awk -v r="$r" -v t="$t" -v f="${floor[$group]}" 'BEGIN { exit !(r / t >= f) }'; then
    echo "ok   $group: $r/$t numbers read exactly (floor ${floor[$group]})"
  else
    echo "FAIL $group: $r/$t numbers read exactly (floor ${floor[$group]})"
    status=1
  fi
done
exit $status
