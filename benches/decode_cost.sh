#!/usr/bin/env bash
# Instructions per decode of the 100-intent list page, by variant (callgrind: repeatable), and
# allocations per intent (a counting allocator). Run from the workspace root:
#   bash benches/decode_cost.sh
set -euo pipefail
cargo build --release -p push-benches --bin decode_instructions --bin decode_allocations
bin=target/release/decode_instructions
count() { # variant iterations -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| variant | instructions per decode |"
echo "| --- | --- |"
for variant in push_core strict_serde strict_simd_json; do
  base=$(count "$variant" 0)
  many=$(count "$variant" 20)
  echo "| $variant | $(( (many - base) / 20 )) |"
done
target/release/decode_allocations
