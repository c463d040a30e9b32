#!/usr/bin/env bash
# Runs rpprof's fuzz targets with cargo-fuzz on the stable toolchain.
#
#   fuzz/run.sh [SECONDS] [TARGET...]    each target for SECONDS (default 30)
#   FUZZ_RUNS=1000000 fuzz/run.sh 0 ...  each target for that many executions
#
# Stable rustc lacks the sanitizer flags cargo-fuzz passes, so this builds
# without a sanitizer (`-s none`), optimized with debug assertions and
# overflow checks (`-O -a`), and sets RUSTC_BOOTSTRAP=1 for the
# `-Z` flags that remain. Seeds: the profiles in tests/data (every format
# rpprof reads), fuzz/seeds/TARGET (inputs of past findings among them),
# and for `elf` small binaries compiled
# here (with and without compressed debug sections). Any crash, abort,
# timeout (10 s) or input over 1 GB of memory fails the run; libFuzzer
# leaves the input in fuzz/artifacts/TARGET/. The last line per target
# says how many executions it survived.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode report shell cli demangle elf)
export RUSTC_BOOTSTRAP=1
flags=(-s none -O -a)

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
cargo fuzz build "${flags[@]}" >/dev/null

seeds=$PWD/target/seeds
rm -rf "$seeds"
mkdir -p "$seeds/profiles" "$seeds/elf"
find ../tests/data -type f \( -name '*.pb.gz' -o -name '*.txt' -o -name '*.folded' \
    -o -name '*.cpu' -o -name '*.heap' \) -size -256k -exec cp {} "$seeds/profiles/" \;
printf 'int g(int x){return x*3;}\nint main(int c,char**v){return g(c);}\n' > "$seeds/elf/m.c"
for dbg in "-g" "-g -gz=zlib" "-g -gdwarf-4" ""; do
    cc $dbg -O1 -o "$seeds/elf/m$(echo "$dbg" | tr -dc 'a-z0-9')" "$seeds/elf/m.c"
done
rm "$seeds/elf/m.c"

summary=()
for t in "${targets[@]}"; do
    case $t in
        decode|report) extra=("$seeds/profiles") ;;
        elf) extra=("$seeds/elf" "$PWD/seeds/elf") ;;
        *) extra=("$PWD/seeds/$t") ;;
    esac
    mkdir -p "corpus/$t"
    if [ -n "${FUZZ_RUNS:-}" ]; then
        limit=(-runs="$FUZZ_RUNS")
    else
        limit=(-max_total_time="$secs")
    fi
    log=target/fuzz-$t.log
    echo "fuzz: $t (${limit[*]})" >&2
    if ! cargo fuzz run "${flags[@]}" "$t" "corpus/$t" "${extra[@]}" -- \
        "${limit[@]}" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -40 "$log" >&2
        echo "fuzz: $t found a failure; the input is in fuzz/artifacts/$t/" >&2
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    summary+=("$t: ${runs:-?} executions, no finding")
done
printf '%s\n' "${summary[@]}"
