#!/bin/sh
# bench.sh: time keepalive against the alternatives, side by side, on
# generated ssh_config files, and check the targets of issue 7
# (docs/PERFORMANCE.md). Run it as `make bench-compare`.
#
# For each size (Host blocks with HostName, User and Port, the shape the Go
# benchmarks generate) it times, as medians:
#   keepalive enable --file F     on a fresh copy each run
#   augtool                       the same edit with the Ssh lens (if installed)
#   dd conv=fsync                 the copy+fsync floor of any safe edit
#   keepalive show --json --host H --file F   against   ssh -G -F F H
# and once: keepalive --version.
#
# Environment:
#   BENCH_SIZES        host counts (default "1000 10000 100000")
#   BENCH_RUNS         timed runs per command (default 20; 10 above 10,000 hosts)
#   BENCH_AUGTOOL_MAX  largest size augtool is timed on (default 10000: augtool
#                      is superlinear, 100,000 hosts would take many minutes)
#   BENCH_DIR          scratch directory (default: a new one under $TMPDIR);
#                      put it on the disk you care about, fsync cost depends on it
#
# It uses hyperfine when installed (unless BENCH_NO_HYPERFINE is set), else
# a loop timing each run with `date +%s%N`. It exits 1 if a target is missed: the numbers are the
# machine's, so this is for people and for a dedicated benchmark job, not
# for `make test`.
set -eu

sizes=${BENCH_SIZES:-1000 10000 100000}
aug_max=${BENCH_AUGTOOL_MAX:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)

work=${BENCH_DIR:-}
if [ -z "$work" ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/keepalive-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT INT TERM
fi
mkdir -p "$work"
cd "$work"

echo "building keepalive..."
(cd "$root" && go build -trimpath -ldflags '-s -w' -o "$work/keepalive" ./cmd/keepalive)
ka=$work/keepalive

# gen N: the config the Go benchmarks generate (benchConfig), byte for byte.
gen() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "Host host%d\n    HostName ip-10-%d-%d-%d.eu-west-1.compute.internal\n    User ec2-user\n    Port %d\n\n",
				i, int(i / 65536) % 256, int(i / 256) % 256, i % 256, 2200 + i % 100
	}'
}

have() { command -v "$1" >/dev/null 2>&1; }

hf=
if [ -z "${BENCH_NO_HYPERFINE:-}" ] && have hyperfine; then
	hf=1
	echo "timing with $(hyperfine --version)"
else
	echo "timing with a date +%s%N loop, as hyperfine is not installed or BENCH_NO_HYPERFINE is set"
fi

# measure NAME RUNS PREPARE CMD...: the median wall time of CMD in ms,
# recorded as NAME in results; PREPARE (a shell command, may be "") runs
# before each run, untimed.
results=$work/results
: >"$results"
measure() {
	name=$1 runs=$2 prep=$3
	shift 3
	if [ -n "$hf" ]; then
		set -- hyperfine -N --style basic --warmup 2 --runs "$runs" --export-csv "$work/h.csv" -n "$name" \
			${prep:+--prepare "$prep"} -- "$(quote "$@")"
		"$@" >"$work/h.out" 2>&1 || { cat "$work/h.out"; exit 1; }
		ms=$(awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$work/h.csv")
		extra=$(awk -F, 'NR == 2 { printf "mean %.2f ± %.2f, user %.2f, sys %.2f", $2 * 1000, $3 * 1000, $5 * 1000, $6 * 1000 }' "$work/h.csv")
	else
		: >"$work/times"
		i=0
		while [ "$i" -lt "$runs" ]; do
			[ -n "$prep" ] && sh -c "$prep"
			t0=$(date +%s%N)
			"$@" >/dev/null 2>&1
			t1=$(date +%s%N)
			echo $(((t1 - t0) / 1000)) >>"$work/times"
			i=$((i + 1))
		done
		ms=$(sort -n "$work/times" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }')
		extra="$runs runs"
	fi
	printf '%s\t%s\n' "$name" "$ms" >>"$results"
	printf '  %-22s median %9.2f ms   (%s)\n' "$name" "$ms" "$extra"
}

# quote ARGS...: one command line hyperfine splits back into ARGS.
quote() {
	out=
	for a in "$@"; do
		out="$out '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
	done
	printf '%s' "${out# }"
}

get() { awk -F '\t' -v n="$1" '$1 == n { print $2 }' "$results"; }

# augtool: the same edit, a Host * block with both settings, through the
# Ssh lens on this one file only (-r: a root of our own, -L: no autoload
# of the lenses' default files, -A: no default transforms).
mkdir -p "$work/augroot"
cat >"$work/aug.cmd" <<'EOF'
defnode h /files/cfg/Host[.='*'] *
set $h/ServerAliveInterval 300
set $h/ServerAliveCountMax 2
save
EOF
augtool_cmd() {
	augtool -r "$work/augroot" -L -A --transform 'Ssh incl /cfg' -f "$work/aug.cmd"
}

echo "machine: $(nproc) CPUs, $(uname -sr); scratch: $work ($(df -T "$work" | awk 'NR == 2 { print $2 }'))"
measure "keepalive --version" 30 "" "$ka" --version

for n in $sizes; do
	cfg=$work/cfg$n
	gen "$n" >"$cfg"
	host=host$((n / 2))
	runs=${BENCH_RUNS:-20}
	[ "$n" -gt 10000 ] && runs=${BENCH_RUNS:-10}
	echo
	echo "== $n hosts ($(wc -c <"$cfg" | tr -d ' ') bytes)"

	# Sanity: each tool really makes the edit.
	cp "$cfg" "$work/t"
	"$ka" enable --file "$work/t" >/dev/null
	grep -q '^    ServerAliveCountMax 2$' "$work/t" || { echo "keepalive enable did not edit the file" >&2; exit 1; }
	cp "$work/t" "$work/done$n"

	measure "enable $n" "$runs" "cp $cfg $work/t" "$ka" enable --file "$work/t"
	measure "enable-unchanged $n" "$runs" "" "$ka" enable --file "$work/done$n"
	measure "floor $n" "$runs" "rm -f $work/floor" dd if="$cfg" of="$work/floor" bs=1M conv=fsync status=none
	if ! have augtool; then
		echo "  augtool not installed: skipped (apt-get install augeas-tools)"
	elif [ "$n" -gt "$aug_max" ]; then
		echo "  augtool skipped above $aug_max hosts (BENCH_AUGTOOL_MAX): it is superlinear"
	else
		cp "$cfg" "$work/augroot/cfg"
		augtool_cmd >/dev/null
		grep -q '^ServerAliveCountMax 2' "$work/augroot/cfg" || { echo "augtool did not edit the file" >&2; exit 1; }
		augruns=$runs
		[ "$n" -ge 10000 ] && augruns=3
		measure "augtool $n" "$augruns" "cp $cfg $work/augroot/cfg" \
			augtool -r "$work/augroot" -L -A --transform 'Ssh incl /cfg' -f "$work/aug.cmd"
	fi
	measure "show $n" "$runs" "" "$ka" show --json --host "$host" --file "$cfg"
	if have ssh; then
		measure "ssh-G $n" "$runs" "" ssh -G -F "$cfg" "$host"
	else
		echo "  ssh not installed: ssh -G skipped"
	fi
done

# Ratios and targets.
echo
echo "== summary (medians, ms)"
printf '%-8s %9s %9s %9s %8s %9s %8s %9s %9s %7s\n' hosts enable unchanged floor x-floor augtool x-faster show ssh-G x-sshG
for n in $sizes; do
	e=$(get "enable $n") u=$(get "enable-unchanged $n") f=$(get "floor $n")
	a=$(get "augtool $n") s=$(get "show $n") g=$(get "ssh-G $n")
	awk -v n="$n" -v e="$e" -v u="$u" -v f="$f" -v a="$a" -v s="$s" -v g="$g" 'BEGIN {
		printf "%-8s %9.1f %9.1f %9.1f %8.1f %9s %8s %9.1f %9s %7s\n", n, e, u, f, e / f,
			(a == "" ? "-" : sprintf("%.0f", a)), (a == "" ? "-" : sprintf("%.0f", a / e)),
			s, (g == "" ? "-" : sprintf("%.1f", g)), (g == "" ? "-" : sprintf("%.2f", s / g))
	}'
done
printf 'keepalive --version: %s ms\n' "$(get "keepalive --version")"

echo
echo "== targets"
missed=0
check() { # check DESCRIPTION OK-EXPRESSION (awk) [skip reason]
	if [ -n "${3:-}" ]; then
		printf '  %-62s skipped (%s)\n' "$1" "$3"
		return
	fi
	if awk "BEGIN { exit !($2) }"; then
		printf '  %-62s met\n' "$1"
	else
		printf '  %-62s MISSED\n' "$1"
		missed=1
	fi
}
e10=$(get "enable 10000") e100=$(get "enable 100000") a10=$(get "augtool 10000")
s10=$(get "show 10000") g10=$(get "ssh-G 10000") v=$(get "keepalive --version")
if [ -n "$e10" ]; then
	check "enable, 10,000 hosts: $e10 ms <= 50 ms" "$e10 <= 50"
	if [ -n "$a10" ]; then
		check "enable vs augtool, 10,000 hosts: $(awk "BEGIN { printf \"%.0f\", $a10 / $e10 }")x faster >= 100x" "$a10 / $e10 >= 100"
	else
		check "enable vs augtool, 10,000 hosts >= 100x" 0 "augtool not timed"
	fi
	if [ -n "$e100" ]; then
		check "enable, 100,000 vs 10,000 hosts: $(awk "BEGIN { printf \"%.1f\", $e100 / $e10 }")x <= 15x" "$e100 / $e10 <= 15"
	else
		check "enable, 100,000 vs 10,000 hosts <= 15x" 0 "100,000 not in BENCH_SIZES"
	fi
	if [ -n "$g10" ]; then
		check "show vs ssh -G, 10,000 hosts: $(awk "BEGIN { printf \"%.2f\", $s10 / $g10 }")x <= 2x" "$s10 / $g10 <= 2"
	else
		check "show vs ssh -G, 10,000 hosts <= 2x" 0 "ssh not timed"
	fi
else
	echo "  (10,000 not in BENCH_SIZES: size targets not checked)"
fi
check "keepalive --version: $v ms < 10 ms" "$v < 10"
exit "$missed"
