#!/usr/bin/env bash
# Native symbolization benchmark: `-top -nodecount=30 bin/symbench symbench.pb.gz`
# (100,000 distinct addresses, 200,000 samples, a 75 MB Rust binary with full
# DWARF) with rpprof and, in the same run, with upstream pprof symbolizing
# through llvm-symbolizer. Both outputs are checked against the corpus golden.
#
# usage: benches/symbench.sh [BENCH_DIR]
#   BENCH_DIR   default ../shared/corpus/native/bench
# Environment:
#   RUNS=N      repetitions of the rpprof measurement (default 3; all printed)
#   PPROF=PATH  upstream pprof to compare with; by default it is built (offline)
#               from the google/pprof sources Go vendors in $(go env GOROOT),
#               which is what the corpus goldens were printed with. Needs
#               llvm-symbolizer on $PATH. PPROF=none skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=$(cd "${1:-$here/../shared/corpus/native/bench}" && pwd)
runs=${RUNS:-3}
bin=$here/target/release/rpprof
(cd "$here" && cargo build --release -q)

build_upstream() { # prints the path of a standalone pprof built from GOROOT's vendor tree
	local src=$here/target/upstream-pprof vendor
	vendor=$(go env GOROOT)/src/cmd/vendor/github.com
	if [[ ! -x $src/pprof ]]; then
		rm -rf "$src" && mkdir -p "$src/vendor/github.com/ianlancetaylor" "$src/cmd/pprof"
		cp -r "$vendor/google/pprof/." "$src/"
		cp -r "$vendor/ianlancetaylor/demangle" "$src/vendor/github.com/ianlancetaylor/"
		printf 'module github.com/google/pprof\ngo 1.19\nrequire github.com/ianlancetaylor/demangle v0.0.0\n' >"$src/go.mod"
		printf '# github.com/ianlancetaylor/demangle v0.0.0\n## explicit\ngithub.com/ianlancetaylor/demangle\n' >"$src/vendor/modules.txt"
		cat >"$src/cmd/pprof/main.go" <<-'EOF'
			package main

			import (
				"fmt"
				"os"

				"github.com/google/pprof/driver"
			)

			func main() {
				if err := driver.PProf(&driver.Options{}); err != nil {
					fmt.Fprintf(os.Stderr, "%v\n", err)
					os.Exit(2)
				}
			}
		EOF
		(cd "$src" && GOFLAGS=-mod=vendor GOPROXY=off go build -o pprof ./cmd/pprof)
	fi
	echo "$src/pprof"
}

timed() { # label, command...: prints wall, user CPU and peak memory
	local label=$1 out
	shift
	out=$(mktemp)
	/usr/bin/time -f "%e %U %M" -o "$out.time" "$@" >"$out" 2>/dev/null </dev/null
	read -r wall user kb <"$out.time"
	if diff -q "$out" golden/top.binutils.out >/dev/null; then match=matches; else match=DIFFERS; fi
	printf '%-34s %6.2fs wall %6.2fs CPU %6.0f MB  output %s the golden\n' \
		"$label" "$wall" "$user" "$((kb / 1024))" "$match"
	rm -f "$out" "$out.time"
}

cd "$bench"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
for ((i = 1; i <= runs; i++)); do
	timed "rpprof (run $i)" "$bin" -top -nodecount=30 bin/symbench symbench.pb.gz
done
pprof=${PPROF:-}
if [[ $pprof != none ]]; then
	[[ -n $pprof ]] || pprof=$(build_upstream)
	timed "pprof + llvm-symbolizer" "$pprof" -top -nodecount=30 bin/symbench symbench.pb.gz
fi
