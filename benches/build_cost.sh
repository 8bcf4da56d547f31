#!/usr/bin/env bash
# What a blocking program on push-ureq costs to build, next to the same program written on
# ureq + serde_json alone (the bare HTTP client a user would otherwise write against).
# Each program is built from a clean target directory; the registry is fetched first, so only
# compilation is timed. Prints the normal dependency tree sizes, the CPU seconds (user + sys)
# and the ratios. Run from the workspace root:
#   bash benches/build_cost.sh            # one run of each
#   RUNS=3 bash benches/build_cost.sh     # medians of 3
#   WITH_STRIPE=1 bash benches/build_cost.sh   # adds an async-stripe program (slow)
# CHECK=1 makes it fail when the goals of issue 14 are missed (at most 60 crates, at most
# 1.5x the CPU of the bare program).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d /tmp/push-build-cost.XXXXXX)}
runs=${RUNS:-1}
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

program() { # name, dependencies (Cargo.toml lines), main.rs
  local dir="$work/$1"
  mkdir -p "$dir/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s\n' "$1" "$2" > "$dir/Cargo.toml"
  printf '%s\n' "$3" > "$dir/src/main.rs"
  # The workspace's lock file: the same versions of every crate the programs share.
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
  (cd "$dir" && cargo fetch -q)
}

# SDK_FEATURES="rustls-ring webhooks" builds push-ureq with exactly those features.
if [ -n "${SDK_FEATURES:-}" ]; then
  features=$(printf '"%s", ' $SDK_FEATURES)
  push_ureq="push-ureq = { path = \"$root/crates/push-ureq\", default-features = false, features = [${features%, }] }"
else
  push_ureq="push-ureq = { path = \"$root/crates/push-ureq\" }"
fi
program sdk "$push_ureq
serde_json = \"1\"" '
use push_ureq::{Client, CreateIntent, Currency, Direction};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let intent = CreateIntent::builder()
        .user_id("user_1")
        .amount(1450)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()?;
    let created = client.create_intent(intent)?;
    let intent = client.get_intent(created.id)?;
    println!("{}", serde_json::json!({"id": intent.id.as_str(), "amount": intent.amount}));
    Ok(())
}'

program bare "ureq = { version = \"3\", default-features = false, features = [\"rustls\"] }
serde = { version = \"1\", features = [\"derive\"] }
serde_json = \"1\"" '
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct CreateIntent<'"'"'a> { user_id: &'"'"'a str, amount: i64, currency: &'"'"'a str, direction: &'"'"'a str }

#[derive(Deserialize)]
struct Created { id: String }

#[derive(Deserialize)]
struct Intent { id: String, amount: i64 }

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("PUSH_API_TOKEN")?;
    let base = std::env::var("PUSH_BASE_URL").unwrap_or_else(|_| "https://sandbox.pushcash.com".into());
    let body = serde_json::to_string(&CreateIntent { user_id: "user_1", amount: 1450, currency: "USD", direction: "cash_in" })?;
    let created: Created = serde_json::from_reader(
        ureq::post(format!("{base}/intent"))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .header("X-Idempotency-Key", "key_1")
            .send(body)?
            .into_body()
            .into_reader(),
    )?;
    let intent: Intent = serde_json::from_reader(
        ureq::get(format!("{base}/intent/{}", created.id))
            .header("Authorization", format!("Bearer {token}"))
            .call()?
            .into_body()
            .into_reader(),
    )?;
    println!("{}", serde_json::json!({"id": intent.id, "amount": intent.amount}));
    Ok(())
}'

names="sdk bare"
if [ -n "${WITH_STRIPE:-}" ]; then
  program stripe 'async-stripe = { version = "0.41", default-features = false, features = ["runtime-tokio-hyper-rustls"] }
tokio = { version = "1", features = ["rt", "macros"] }' '
use stripe::{Client, CreatePaymentIntent, Currency, PaymentIntent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_KEY")?);
    let intent = PaymentIntent::create(&client, CreatePaymentIntent::new(1450, Currency::USD)).await?;
    println!("{}", intent.id);
    Ok(())
}'
  names="$names stripe"
fi

crates() { # normal dependency tree, the program itself included
  (cd "$work/$1" && cargo tree -e normal --prefix none -f '{p}' | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)
}

cpu() { # one clean debug build: user + sys CPU seconds
  local dir="$work/$1"
  rm -rf "$dir/target"
  local TIMEFORMAT='%U %S'
  local times
  times=$( { time (cd "$dir" && cargo build -q >/dev/null 2>&1); } 2>&1 )
  awk '{printf "%.1f", $1 + $2}' <<<"$times"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

declare -A count seconds
for name in $names; do
  count[$name]=$(crates "$name")
done
if [ -n "${COUNT_ONLY:-}" ]; then
  # For CI: the tree sizes alone (deterministic; the CPU ratio needs a quiet machine).
  for name in $names; do echo "$name: ${count[$name]} crates in the normal dependency tree"; done
  if [ "${count[sdk]}" -gt 60 ]; then
    echo "a push-ureq program compiles ${count[sdk]} crates (the goal: at most 60)" >&2
    exit 1
  fi
  exit 0
fi
for name in $names; do
  seconds[$name]=$(for _ in $(seq "$runs"); do cpu "$name"; echo; done | median)
done

echo "| program | crates (normal tree) | clean debug build, CPU s | vs bare |"
echo "| --- | --- | --- | --- |"
for name in $names; do
  ratio=$(awk -v a="${seconds[$name]}" -v b="${seconds[bare]}" 'BEGIN {printf "%.2fx", a / b}')
  echo "| $name | ${count[$name]} | ${seconds[$name]} | $ratio |"
done
echo "(median of $runs run(s); programs and targets in $work)"

if [ -n "${CHECK:-}" ]; then
  ok=$(awk -v a="${seconds[sdk]}" -v b="${seconds[bare]}" 'BEGIN {print (a <= 1.5 * b) ? 1 : 0}')
  if [ "${count[sdk]}" -gt 60 ] || [ "$ok" != 1 ]; then
    echo "build cost goal missed: ${count[sdk]} crates (at most 60), ${seconds[sdk]} vs ${seconds[bare]} CPU s (at most 1.5x)" >&2
    exit 1
  fi
fi
