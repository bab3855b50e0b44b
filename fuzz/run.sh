#!/usr/bin/env bash
# Fuzz every target (or those named) for SECONDS each, one after the other, on stable Rust:
#   fuzz/run.sh [SECONDS] [TARGET...]
# Each target starts from its regression corpus (crates/*/tests/fuzz_regressions/TARGET) and
# keeps what it finds in fuzz/corpus/TARGET; crashes land in fuzz/artifacts/TARGET. Logs go to
# fuzz/logs/TARGET.log, ending with libFuzzer's final stats (stat::number_of_executed_units).
# With FUZZ_BIN_DIR set, runs the binaries already built there (e.g. copies of
# fuzz/target/x86_64-unknown-linux-gnu/release/*) instead of building: the source tree can then
# change while a long run goes on. Run two lists at once for two cores. FUZZ_NICE sets the
# niceness (default 10; 19 on a machine others are measuring on).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(verify_token verify_token_mutated verify_token_signed jwks_document authorization_header token_response jws alb_header token_sources retry_after alb_demand authorizer_claims login_store payload)
fi
mkdir -p logs
for target in "${targets[@]}"; do
    regressions=$(ls -d ../crates/*/tests/fuzz_regressions/"$target")
    mkdir -p corpus/"$target"
    # Sanitizers need nightly; the code under test is safe Rust, so libFuzzer's coverage
    # guidance, debug assertions and overflow checks are what matter here.
    if [ -n "${FUZZ_BIN_DIR:-}" ]; then
        mkdir -p artifacts/"$target"
        run=(nice -n "${FUZZ_NICE:-10}" "$FUZZ_BIN_DIR/$target" -artifact_prefix=artifacts/"$target"/ corpus/"$target" "$regressions")
    else
        run=(nice -n "${FUZZ_NICE:-10}" cargo fuzz run -s none "$target" corpus/"$target" "$regressions" --)
    fi
    "${run[@]}" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >logs/"$target".log 2>&1 || {
        echo "$target: FAILED, see fuzz/logs/$target.log and fuzz/artifacts/$target" >&2
        continue
    }
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" logs/"$target".log | sed "s/^/$target: /"
done
