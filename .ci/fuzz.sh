#!/usr/bin/env bash
# Runs each cargo-fuzz target for a short while (30 s by default), failing on a crash.
# Installs the nightly toolchain and cargo-fuzz when missing; if either cannot be
# installed, says why and exits 0, so CI still passes on machines without them.
# FUZZ_SECONDS overrides the time per target.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
seconds="${FUZZ_SECONDS:-30}"
targets=(front_matter markdown_glossary serve_path)

skip() {
  echo "fuzzing skipped: $*"
  exit 0
}

command -v rustup >/dev/null || skip "rustup is not installed, so the nightly toolchain cannot be"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal ||
    skip "rustup could not install the nightly toolchain (cargo fuzz needs it for the sanitizer flags)"
fi
rustup run nightly rustc --version
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked || skip "cargo install cargo-fuzz failed"
fi
cargo fuzz --version

# New inputs go to a scratch folder; the committed seed corpus is only read.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build --fuzz-dir fuzz
for t in "${targets[@]}"; do
  echo "--- fuzz target $t (${seconds} s) ---"
  mkdir -p "$work/$t"
  # A crash makes cargo fuzz exit non-zero and prints the reproducer's path under fuzz/artifacts/.
  # TMPDIR: markdown_glossary writes its site under it, and the trap removes it.
  TMPDIR="$work" cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$work/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1
done
echo "fuzzing passed: ${#targets[@]} targets, ${seconds} s each"
