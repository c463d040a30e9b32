#!/usr/bin/env bash
# Times the web UI on the corpus's big heap profile: the load until
# "Serving web UI", the first and the repeated Top and Flame graph views
# (curl's time_total, best of RUNS servers), then 20 concurrent clients.
#
# usage: benches/web.sh [CORPUS_GO_DIR]   (default ../shared/corpus/go)
# Environment: RUNS=N (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(cd "${1:-$here/../shared/corpus/go}" && pwd)
runs=${RUNS:-3}
bin=$here/target/release/rpprof
(cd "$here" && cargo build --release -q)
log=$(mktemp)
trap 'rm -f "$log"; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null || true' EXIT
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%dT%H:%MZ)"
for ((r = 1; r <= runs; r++)); do
	start=$(date +%s.%N)
	"$bin" -http=localhost:0 -no_browser "$corpus/big/heap.pb.gz" 2>"$log" &
	pid=$!
	until grep -q '^Serving' "$log"; do sleep 0.01; done
	ready=$(date +%s.%N)
	port=$(grep -o '[0-9]*$' "$log")
	t() { curl -s -o /dev/null -w '%{time_total}' "http://localhost:$port$1"; }
	printf 'run %d: load %.2fs | top %ss, again %ss | flame graph SVG %ss, again %ss | /api/top %ss\n' \
		"$r" "$(echo "$ready - $start" | bc)" "$(t /ui/top)" "$(t /ui/top)" \
		"$(t /ui/flamegraph.svg)" "$(t /ui/flamegraph.svg)" "$(t '/api/top?f=Read')"
	if ((r == runs)); then
		printf '20 concurrent clients (Top with 20 different focuses): '
		seq 20 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
			"http://localhost:$port/ui/top?f=Read{}" | sort | uniq -c | tr '\n' ' '
		echo
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
done
