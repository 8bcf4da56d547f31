#!/usr/bin/env bash
# schemathesis (PyPI) against `push mock`, over the published OpenAPI document: response schema,
# status code, content type, no server error. Readings taken: crates/push-mock/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-50}
python3 -m pip install --quiet --disable-pip-version-check 'schemathesis==4.32.5' 2>&1 | grep -v "WARNING: Running pip as the 'root' user" || true
cargo build --locked -q -p push-cli
out=$(mktemp)
./target/debug/push mock --port 0 --seed-intents 20 >"$out" 2>/dev/null &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; rm -f "$out"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(head -n 1 "$out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "push mock did not start" >&2
  exit 1
fi
python3 -m schemathesis.cli --config-file crates/push-mock/tests/schemathesis/schemathesis.toml \
  run crates/push-mock/tests/fixtures/openapi-full.yaml --url "$url" \
  -H "Authorization: Bearer sk_test_push_mock" -n "$EXAMPLES" --seed 1 --no-color 2>&1 | tail -n 30
# `tail` hides schemathesis's exit status: take it from the pipeline.
exit "${PIPESTATUS[0]}"
