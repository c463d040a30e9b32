#!/usr/bin/env bash
# Benchmarks a snapshot series (`-series`) the size of a real heap profile:
# ten snapshots made from the corpus's big/heap.pb.gz (503k samples, 25 MB
# raw each) by examples/scale_profile.rs, whose sample values grow by
# different factors per leaf function (fast, slow, flat, shrinking) and whose
# times are one minute apart. Measures, with /usr/bin/time -v:
#
#   1. load + growth: `printf 'growth\n' | rpprof -series DIR` — wall time
#      and peak RSS of the whole process (load ten profiles, answer growth);
#   2. a second growth: `printf 'growth\ngrowth\n' | RPPROF_TIME=1 rpprof
#      -series DIR` — RPPROF_TIME=1 makes the shell print on stderr how long
#      each command took (from reading the line to the end of writing its
#      report), so the second line is the cost of asking again in the same
#      session; the whole run's wall minus both commands is the load.
#
# Output goes to /dev/null (the report is ~15 lines). Targets (issue 15,
# tightening issue 9's): load + growth under 2 s wall on 2 cores, under 1 GB
# peak; second growth under 0.3 s. Each is printed with "ok" or "MISSED".
#
# usage: benches/series.sh [CORPUS_GO_DIR]
#   CORPUS_GO_DIR   default ../shared/corpus/go
# Environment:
#   RUNS=N          repetitions of each measurement (default 3; the run of
#                   median wall time is reported, with its peak memory and
#                   command times)
#   SERIES_DIR=DIR  where the snapshots go (default target/series-bench; made
#                   once, reused while it holds ten files)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/corpus/go}
corpus=$(cd "$corpus" && pwd)
runs=${RUNS:-3}
bin=$here/target/release/rpprof
series=${SERIES_DIR:-$here/target/series-bench}
(cd "$here" && cargo build --release -q && cargo build --release -q --example scale_profile)
if [[ $(ls "$series"/snap_*.pb.gz 2>/dev/null | wc -l) -ne 10 ]]; then
	rm -rf "$series"
	"$here/target/release/examples/scale_profile" "$corpus/big/heap.pb.gz" "$series" 10 >/dev/null
fi

timing=$(mktemp)
stderr=$(mktemp)
trap 'rm -f "$timing" "$stderr"' EXIT

# One run of rpprof -series on the script $1: "wall_s peak_kB t1 t2 cpu_s"
# (t1, t2: the RPPROF_TIME seconds of the first two commands, "-" when
# absent; cpu: user + system seconds).
run() {
	printf "$1" | RPPROF_TIME=1 /usr/bin/time -v -o "$timing" "$bin" -series "$series" >/dev/null 2>"$stderr"
	awk -v err="$stderr" '
		/Elapsed \(wall clock\)/ { n = split($NF, a, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + a[i] }
		/Maximum resident set size/ { kb = $NF }
		/User time \(seconds\)|System time \(seconds\)/ { cpu += $NF }
		END {
			t[1] = "-"; t[2] = "-"; k = 0
			while ((getline line < err) > 0)
				if (line ~ /^rpprof: ".*" took [0-9.]+s$/) { sub(/s$/, "", line); k++; t[k] = line; sub(/.* /, "", t[k]) }
			print wall, kb, t[1], t[2], cpu
		}' "$timing"
}

median() { # the run of median wall time among $runs runs of the script $1
	local all=() i
	for ((i = 0; i < runs; i++)); do
		all+=("$(run "$1")")
	done
	printf '%s\n' "${all[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

verdict() { awk -v v="$1" -v lim="$2" 'BEGIN{print (v < lim) ? "ok" : "MISSED"}'; }

export TZ=UTC
echo "machine: $(nproc) cores, $(uname -m); load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "series: 10 x $(du -h "$series/snap_01.pb.gz" | cut -f1) gz, $(zcat "$series/snap_01.pb.gz" | wc -c | awk '{printf "%.0f MB", $1/1e6}') raw, from $corpus/big/heap.pb.gz; median of $runs"
read -r wall kb t1 _ cpu <<<"$(median 'growth\n')"
awk -v w="$wall" -v kb="$kb" -v t="$t1" -v c="$cpu" -v vw="$(verdict "$wall" 2)" -v vm="$(verdict "$kb" 1048576)" 'BEGIN{
	printf "load + growth:  %5.2f s wall (%s, target < 2 s), %5.0f MB peak (%s, target < 1 GB); %.2f s CPU; growth itself %.3f s\n", w, vw, kb/1024, vm, c, t }'
read -r wall kb t1 t2 cpu <<<"$(median 'growth\ngrowth\n')"
awk -v w="$wall" -v kb="$kb" -v a="$t1" -v b="$t2" -v vb="$(verdict "$t2" 0.3)" 'BEGIN{
	printf "second growth:  %5.3f s (%s, target < 0.3 s); first %.3f s, load %.2f s, %.2f s wall, %.0f MB peak in that run\n", b, vb, a, w-a-b, w, kb/1024 }'
