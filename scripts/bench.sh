#!/bin/sh
# bench.sh: time keepalive against the programs that read the same files
# (ssh -G, sshd -T), augtool and the write floor, side by side on
# realistic generated configs, and check the targets of docs/PERFORMANCE.md
# (issue 16). Run it as `make bench-compare`.
#
# The configs are those of the Go benchmarks (internal/testenv/fleet.go,
# written by internal/testenv/genfleet): for N hosts, a ~/.ssh/config that
# Includes four files, Host blocks of 3 to 6 directives, Match host blocks,
# 2% of hosts with a ServerAliveInterval of their own and Host * at the
# end; for N Match blocks, an sshd_config with a distribution's settings.
# For each size it times, as medians:
#   keepalive show --host H --file F    against  ssh -G -F F H
#   keepalive show --all --host H       the same with every other host's value explained
#   keepalive show                      no --host: general values, every host's own explained
#   keepalive show --host H             on the same fleet with 50% of the hosts
#                                       setting their own value, against ssh -G on it
#   keepalive enable --no-validate --interval 60   on a fresh copy each run
#   keepalive enable (again)            nothing to do
#   keepalive disable --no-validate     on a fresh copy of the enabled file
#   keepalive enable --interval 60      with its ssh -G validation
#   dd conv=fsync                       the copy+fsync floor of any safe edit
#   augtool                             the same enable through the Ssh lens
#   keepalive server --no-validate      against  sshd -T -f F
# and the peak memory (maximum resident set, /usr/bin/time -f %M) of each
# command, once.
#
# Environment:
#   BENCH_SIZES        sizes (default "1000 10000 100000")
#   BENCH_RUNS         timed runs per command (default 15; 7 at 100,000)
#   BENCH_AUGTOOL_MAX  largest size augtool is timed on (default 10000: it
#                      is superlinear, 100,000 hosts would take many minutes)
#   BENCH_DIR          scratch directory (default: a new one under $TMPDIR);
#                      fsync cost depends on its file system
#   BENCH_NO_HYPERFINE time with a date +%s%N loop even if hyperfine is installed
#   BENCH_KEEPALIVE    time this keepalive binary (another build, to compare)
#
# It exits 1 if a target is missed: the numbers are the machine's, so this
# is for people and for a dedicated benchmark job, not for `make test`.
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
work=$(cd "$work" && pwd)
cd "$work"

echo "building keepalive..."
(cd "$root" && go build -trimpath -ldflags '-s -w' -o "$work/keepalive" ./cmd/keepalive &&
	go build -o "$work/genfleet" ./internal/testenv/genfleet)
ka=$work/keepalive
if [ -n "${BENCH_KEEPALIVE:-}" ]; then
	ka=$BENCH_KEEPALIVE
	echo "timing $ka instead"
fi

have() { command -v "$1" >/dev/null 2>&1; }
sshd=$(command -v sshd || ls /usr/sbin/sshd 2>/dev/null || true)
gnutime=
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && gnutime=/usr/bin/time

hf=
if [ -z "${BENCH_NO_HYPERFINE:-}" ] && have hyperfine; then
	hf=1
	echo "timing with $(hyperfine --version)"
else
	echo "timing with a date +%s%N loop, as hyperfine is not installed or BENCH_NO_HYPERFINE is set"
fi

# measure NAME RUNS PREPARE CMD...: the median wall time of CMD in ms,
# recorded as NAME in results; PREPARE (a shell command, may be "") runs
# before each run, untimed. Then, once, CMD's peak memory in KB (mem NAME).
results=$work/results
: >"$results"
measure() {
	name=$1 runs=$2 prep=$3
	shift 3
	cmd=$(quote "$@")
	if [ -n "$hf" ]; then
		set -- hyperfine -N --style basic --warmup 2 --runs "$runs" --export-csv "$work/h.csv" -n "$name" \
			${prep:+--prepare "$prep"} -- "$cmd"
		"$@" >"$work/h.out" 2>&1 || { cat "$work/h.out"; exit 1; }
		ms=$(awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$work/h.csv")
		extra=$(awk -F, 'NR == 2 { printf "mean %.2f ± %.2f, user %.2f, sys %.2f", $2 * 1000, $3 * 1000, $5 * 1000, $6 * 1000 }' "$work/h.csv")
		eval "set -- $cmd"
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
	kb=-
	if [ -n "$gnutime" ]; then
		[ -n "$prep" ] && sh -c "$prep"
		"$gnutime" -o "$work/mem" -f %M "$@" >/dev/null 2>&1 || true
		kb=$(tail -n 1 "$work/mem")
	fi
	printf '%s\t%s\t%s\n' "$name" "$ms" "$kb" >>"$results"
	printf '  %-24s median %9.2f ms  peak %7s KB  (%s)\n' "$name" "$ms" "$kb" "$extra"
}

# quote ARGS...: one command line hyperfine (and eval) splits back into ARGS.
quote() {
	out=
	for a in "$@"; do
		out="$out '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
	done
	printf '%s' "${out# }"
}

get() { awk -F '\t' -v n="$1" '$1 == n { print $2 }' "$results"; }
getmem() { awk -F '\t' -v n="$1" '$1 == n { print $3 }' "$results"; }
size() { wc -c <"$1" | tr -d ' '; }

# augtool: the same edit, ServerAliveInterval in a Host * block, through
# the Ssh lens on this one file only (-r: a root of our own, -L: no
# autoload of the lenses' default files, -A: no default transforms).
mkdir -p "$work/augroot"
cat >"$work/aug.cmd" <<'EOF'
defnode h /files/cfg/Host[.='*'] *
set $h/ServerAliveInterval 60
save
EOF

echo "machine: $(nproc) CPUs, $(uname -sr); scratch: $work ($(df -T "$work" | awk 'NR == 2 { print $2 }'))"
measure "keepalive --version" 30 "" "$ka" --version

for n in $sizes; do
	dir=$work/c$n
	"$work/genfleet" client "$n" "$dir"
	"$work/genfleet" server "$n" "$work/sshd$n"
	cfg=$dir/config
	host=host$((n / 2 / 50 * 50 + 7)) # testenv.FleetHost: one with its own ServerAliveInterval
	runs=${BENCH_RUNS:-15}
	[ "$n" -gt 10000 ] && runs=${BENCH_RUNS:-7}
	printf '%s\t%s\n' "bytes $n" "$(cat "$cfg" "$dir"/conf.d/* | wc -c | tr -d ' ')" >>"$results" # with what it Includes
	printf '%s\t%s\n' "sshd-bytes $n" "$(size "$work/sshd$n")" >>"$results"
	echo
	echo "== $n hosts ($(size "$cfg") bytes + Included $(cat "$dir"/conf.d/* | wc -c | tr -d ' ')), sshd_config with $n Match blocks ($(size "$work/sshd$n") bytes)"

	# Sanity: each tool really makes the edit.
	t=$work/t
	cp "$cfg" "$t"
	"$ka" enable --no-validate --interval 60 --file "$t" >/dev/null
	grep -q '^    ServerAliveInterval 60$' "$t" || { echo "keepalive enable did not edit the file" >&2; exit 1; }
	cp "$t" "$work/done$n"

	measure "show $n" "$runs" "" "$ka" show --no-server --no-putty --host "$host" --file "$cfg"
	# --all: every host-specific value explained, each evaluated for its host.
	measure "show-all $n" "$runs" "" "$ka" show --all --no-server --no-putty --host "$host" --file "$cfg"
	# No --host: the general values, and every host's own value explained.
	measure "show-plain $n" "$runs" "" "$ka" show --no-server --no-putty --file "$cfg"
	if have ssh; then
		measure "ssh-G $n" "$runs" "" ssh -G -F "$cfg" "$host"
	else
		echo "  ssh not installed: ssh -G skipped"
	fi
	# The same fleet with half of the hosts setting their own
	# ServerAliveInterval: show's cost must not depend on their share.
	"$work/genfleet" client "$n" "$work/c${n}s50" 50
	host50=host$((n / 2 / 100 * 100)) # testenv.FleetHostShare
	printf '%s\t%s\n' "bytes50 $n" "$(cat "$work/c${n}s50/config" "$work/c${n}s50"/conf.d/* | wc -c | tr -d ' ')" >>"$results"
	measure "show-50 $n" "$runs" "" "$ka" show --no-server --no-putty --host "$host50" --file "$work/c${n}s50/config"
	if have ssh; then
		measure "ssh-G-50 $n" "$runs" "" ssh -G -F "$work/c${n}s50/config" "$host50"
	fi
	# --no-validate: keepalive's own work. With validation, enable also runs
	# ssh -G on the config as it is and on the candidate (timed apart).
	measure "enable $n" "$runs" "cp $cfg $t" "$ka" enable --no-validate --interval 60 --file "$t"
	measure "unchanged $n" "$runs" "" "$ka" enable --no-validate --interval 60 --file "$work/done$n"
	measure "disable $n" "$runs" "cp $work/done$n $t" "$ka" disable --no-validate --file "$t"
	measure "enable-validated $n" "$runs" "cp $cfg $t" "$ka" enable --interval 60 --file "$t"
	measure "floor $n" "$runs" "rm -f $work/floor" dd if="$cfg" of="$work/floor" bs=1M conv=fsync status=none
	if ! have augtool; then
		echo "  augtool not installed: skipped (apt-get install augeas-tools)"
	elif [ "$n" -gt "$aug_max" ]; then
		echo "  augtool skipped above $aug_max hosts (BENCH_AUGTOOL_MAX): it is superlinear"
	else
		cp "$cfg" "$work/augroot/cfg"
		augtool -r "$work/augroot" -L -A --transform 'Ssh incl /cfg' -f "$work/aug.cmd" >/dev/null
		grep -q '^ServerAliveInterval 60' "$work/augroot/cfg" || { echo "augtool did not edit the file" >&2; exit 1; }
		augruns=$runs
		[ "$n" -ge 10000 ] && augruns=3
		measure "augtool $n" "$augruns" "cp $cfg $work/augroot/cfg" \
			augtool -r "$work/augroot" -L -A --transform 'Ssh incl /cfg' -f "$work/aug.cmd"
	fi
	measure "server $n" "$runs" "cp $work/sshd$n $t" "$ka" server --no-validate --file "$t"
	if [ -n "$sshd" ]; then
		measure "sshd-T $n" "$runs" "" "$sshd" -T -f "$work/sshd$n"
	else
		echo "  sshd not installed: sshd -T skipped"
	fi
done

# Ratios and targets.
echo
echo "== summary (medians in ms; x: keepalive's time over the other's)"
printf '%-7s %8s %8s %8s %6s %6s | %8s %8s %8s %6s %6s %6s %9s | %8s %8s %6s | %8s %8s %6s\n' \
	size show show-all ssh-G x x enable again disable x x x validated server sshd-T x floor augtool x-aug
for n in $sizes; do
	awk -v n="$n" -v s="$(get "show $n")" -v sa="$(get "show-all $n")" -v g="$(get "ssh-G $n")" -v e="$(get "enable $n")" \
		-v u="$(get "unchanged $n")" -v d="$(get "disable $n")" -v v="$(get "server $n")" \
		-v t="$(get "sshd-T $n")" -v f="$(get "floor $n")" -v a="$(get "augtool $n")" -v ev="$(get "enable-validated $n")" 'function r(x, y) { return (x == "" || y == "") ? "-" : sprintf("%.2f", x / y) }
	BEGIN {
		printf "%-7s %8.1f %8.1f %8s %6s %6s | %8.1f %8.1f %8.1f %6s %6s %6s %9.1f | %8.1f %8s %6s | %8.1f %8s %6s\n", n,
			s, sa, (g == "" ? "-" : g), r(s, g), r(sa, g), e, u, d, r(e, g), r(u, g), r(d, g), ev,
			v, (t == "" ? "-" : t), r(v, t), f, (a == "" ? "-" : sprintf("%.0f", a)), (a == "" ? "-" : sprintf("%.0f", a / e))
	}'
done
echo "(the two x after ssh-G: show and show --all over ssh -G; enable, again, disable: --no-validate;"
echo " the three x after them: each over ssh -G; validated: enable"
echo " with its two ssh -G checks; x-aug: augtool over enable)"
echo
echo "== peak memory (KB) and its ratio to the config's size (KB; the client's with its Included files)"
printf '%-7s %10s %8s %5s %8s %5s %8s %5s %8s %5s %8s %5s %10s %8s %5s %8s\n' \
	size config show x enable x again x disable x ssh-G x sshd_config server x sshd-T
for n in $sizes; do
	awk -v n="$n" -v b="$(get "bytes $n")" -v sb="$(get "sshd-bytes $n")" -v s="$(getmem "show $n")" \
		-v e="$(getmem "enable $n")" -v u="$(getmem "unchanged $n")" -v d="$(getmem "disable $n")" \
		-v g="$(getmem "ssh-G $n")" -v v="$(getmem "server $n")" -v t="$(getmem "sshd-T $n")" 'function r(x, y) { return (x == "" || x == "-") ? "-" : sprintf("%.1f", x * 1024 / y) }
	BEGIN {
		printf "%-7s %10d %8s %5s %8s %5s %8s %5s %8s %5s %8s %5s %10d %8s %5s %8s\n", n, b / 1024,
			s, r(s, b), e, r(e, b), u, r(u, b), d, r(d, b), g, r(g, b), sb / 1024, v, r(v, sb), t
	}'
done
printf 'keepalive --version: %s ms\n' "$(get "keepalive --version")"

echo
echo "== targets (issue 16)"
missed=0
check() { # check DESCRIPTION OK-EXPRESSION (awk) [skip reason]
	if [ -n "${3:-}" ]; then
		printf '  %-66s skipped (%s)\n' "$1" "$3"
		return
	fi
	if awk "BEGIN { exit !($2) }"; then
		printf '  %-66s met\n' "$1"
	else
		printf '  %-66s MISSED\n' "$1"
		missed=1
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for n in 10000 100000; do
	s=$(get "show $n") sa=$(get "show-all $n") g=$(get "ssh-G $n") v=$(get "server $n") t=$(get "sshd-T $n")
	[ -n "$s" ] || continue
	if [ -n "$g" ]; then
		check "show --host, $n hosts: $(ratio "$s" "$g")x ssh -G <= 0.5x" "$s / $g <= 0.5"
		# --all explains every other host's value, one evaluation each:
		# more than ssh -G does, so no target, only the figure.
		printf '  %-66s (no target)\n' "show --all --host, $n hosts: $(ratio "$sa" "$g")x ssh -G"
	fi
	s5=$(get "show-50 $n") g5=$(get "ssh-G-50 $n")
	if [ -n "$s5" ] && [ -n "$g5" ]; then
		check "show --host, $n hosts, 50% with their own value: $(ratio "$s5" "$g5")x ssh -G <= 0.5x" "$s5 / $g5 <= 0.5"
	fi
	if [ -n "$t" ]; then
		check "server, $n Match blocks: $(ratio "$v" "$t")x sshd -T <= 0.5x" "$v / $t <= 0.5"
	fi
done
s10=$(get "show 10000") s100=$(get "show 100000")
if [ -n "$s10" ] && [ -n "$s100" ]; then
	check "show, 100,000 vs 10,000 hosts: $(ratio "$s100" "$s10")x <= 11x" "$s100 / $s10 <= 11"
	for c in show-all show-plain enable unchanged disable server; do
		check "$c, 100,000 vs 10,000: $(ratio "$(get "$c 100000")" "$(get "$c 10000")")x <= 11x (linear)" "$(get "$c 100000") / $(get "$c 10000") <= 11"
	done
fi
g100=$(get "ssh-G 100000")
if [ -n "$g100" ]; then
	for c in enable unchanged disable; do
		check "$c, 100,000 hosts: $(ratio "$(get "$c 100000")" "$g100")x ssh -G <= 0.4x" "$(get "$c 100000") / $g100 <= 0.4"
	done
fi
a10=$(get "augtool 10000") e10=$(get "enable 10000")
if [ -n "$a10" ] && [ -n "$e10" ]; then
	check "enable vs augtool, 10,000 hosts: $(awk "BEGIN { printf \"%.0f\", $a10 / $e10 }")x faster >= 100x" "$a10 / $e10 >= 100"
fi
if [ -n "$gnutime" ]; then
	for n in $sizes; do
		b=$(get "bytes $n") sb=$(get "sshd-bytes $n")
		[ "$n" -ge 10000 ] || continue # a small config's peak is the program's own
		for c in show show-all show-plain show-50 enable unchanged disable; do
			m=$(getmem "$c $n") cb=$b
			[ "$c" = show-50 ] && cb=$(get "bytes50 $n") # its own, larger fleet
			check "$c, $n hosts: peak memory $(awk "BEGIN { printf \"%.1f\", $m * 1024 / $cb }")x the config <= 5x" "$m * 1024 / $cb <= 5"
		done
		m=$(getmem "server $n")
		check "server, $n Match blocks: peak memory $(awk "BEGIN { printf \"%.1f\", $m * 1024 / $sb }")x the config <= 5x" "$m * 1024 / $sb <= 5"
	done
fi
check "keepalive --version: $(get "keepalive --version") ms < 10 ms" "$(get "keepalive --version") < 10"
exit "$missed"
