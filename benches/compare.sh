#!/usr/bin/env bash
# Benchmarks rpprof against `go tool pprof` in the same run, on the big
# profiles of the shared corpus. Prints wall time and peak memory (from
# /usr/bin/time) for each, and the ratios.
#
# usage: benches/compare.sh [CORPUS_GO_DIR]
#   CORPUS_GO_DIR   default ../shared/corpus/go
# Environment:
#   PPROF_SYNTHETIC=1  also time `go tool pprof` on the 2M-sample profile
#                      (about 8 minutes and 10 GB)
#   RUNS=N             repetitions of each measurement, rpprof and pprof
#                      (default 3; the median is reported)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/corpus/go}
corpus=$(cd "$corpus" && pwd)
runs=${RUNS:-3}
bin=$here/target/release/rpprof
(cd "$here" && cargo build --release -q)
synthetic=${SYNTHETIC:-$here/target/synthetic.pb.gz}
[[ -s $synthetic ]] || "$corpus/make_synthetic.sh" "$synthetic" >/dev/null
command -v go >/dev/null || { echo "go tool pprof not found (apt-get install golang-go)" >&2; exit 1; }

timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

measure() { # median wall seconds (and that run's peak KB) of $1 runs of the rest
	local n=$1 all=()
	shift
	for ((i = 0; i < n; i++)); do
		/usr/bin/time -o "$timing" -f "%e %M" "$@" >/dev/null 2>&1 </dev/null || true
		all+=("$(tail -1 "$timing")")
	done
	printf '%s\n' "${all[@]}" | sort -n | sed -n "$(((n + 1) / 2))p"
}

row() { # label rpprof-result pprof-result
	local r=($2) p=($3)
	awk -v l="$1" -v rt="${r[0]}" -v rm="${r[1]}" -v pt="${p[0]:-}" -v pm="${p[1]:-}" 'BEGIN{
		if (pt == "") printf "%-44s rpprof %7.2fs %6.0f MB\n", l, rt, rm/1024;
		else printf "%-44s rpprof %7.2fs %6.0f MB | pprof %7.2fs %6.0f MB | %5.1fx faster, %4.1fx less memory\n", l, rt, rm/1024, pt, pm/1024, pt/rt, pm/rm }'
}

export TZ=UTC
cd "$corpus"
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%dT%H:%MZ)"
r=$(measure "$runs" "$bin" -top big/heap.pb.gz)
p=$(measure "$runs" go tool pprof -top big/heap.pb.gz)
row "-top big/heap.pb.gz (503k samples)" "$r" "$p"
# The floor: decompressing the file.
z=$(measure "$runs" zcat big/heap.pb.gz)
awk -v t="${r% *}" -v z="${z% *}" 'BEGIN{
	printf "%-44s zcat   %7.2fs        | rpprof -top takes %4.2fx that\n", "zcat big/heap.pb.gz > /dev/null", z, t/z }'
r=$(measure "$runs" "$bin" -top big/synthetic_200k.pb.gz)
p=$(measure "$runs" go tool pprof -top big/synthetic_200k.pb.gz)
row "-top big/synthetic_200k.pb.gz" "$r" "$p"
r=$(measure "$runs" "$bin" -top "$synthetic")
if [[ ${PPROF_SYNTHETIC:-0} == 1 ]]; then
	p=$(measure 1 go tool pprof -top "$synthetic")
	row "-top synthetic.pb.gz (2M samples, 348 MB raw)" "$r" "$p"
else
	row "-top synthetic.pb.gz (2M samples, 348 MB raw)" "$r" ""
fi
# Pictures: the flame graph SVG against -top on the same profile.
f=$(measure "$runs" "$bin" -flamegraph "$synthetic")
awk -v t="${r% *}" -v f="${f% *}" -v m="${f#* }" 'BEGIN{
	printf "%-44s rpprof %7.2fs %6.0f MB | %4.2fx the time of -top\n", "-flamegraph synthetic.pb.gz", f, m/1024, f/t }'
# Per-command times inside one session on the 2M-sample profile.
printf 'top\ntop\nfocus=Marshal\ntop\npeek Marshal\nlist Marshal\n' |
	RPPROF_TIME=1 "$bin" "$synthetic" 2>&1 >/dev/null | grep '^rpprof:' | sed 's/^rpprof: /  session on synthetic.pb.gz: /'
