#!/usr/bin/env bash
# make test-windows: the Windows build's tests, run under Wine in a throwaway
# prefix (setup.sh), and keepalive.exe driven under Wine from Linux
# (internal/winetest). Prints how long it took.
#
# Without wine or the mingw-w64 compiler it says so and stops; under CI=true
# that is a failure, never a skip. GO names the go command (default: go).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
go=${GO:-go}
start=$(date +%s)

missing=()
for tool in wine wineserver x86_64-w64-mingw32-gcc; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "test-windows: CI=true but ${missing[*]} not installed: run make test-setup" >&2
		exit 1
	fi
	echo "test-windows: SKIPPED, the Windows build was NOT tested: ${missing[*]} not installed (make test-setup installs wine, wine64, gcc-mingw-w64-x86-64-win32)" >&2
	exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/keepalive-wine.XXXXXX")
cleanup() {
	WINEPREFIX="$dir/prefix" wineserver -k 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
WINEPREFIX=$("$here/setup.sh" "$dir")
export WINEPREFIX WINEDEBUG=-all
echo "test-windows: Wine prefix ready in $(($(date +%s) - start)) s"

# The packages with Windows code: the registry store, atomic replace and
# lock, the edit transaction, finding sshd.exe, show's report (file
# permissions), the CLI and its paths. go test runs each test binary
# through go_windows_amd64_exec (Wine) from PATH. Tests that need Unix
# (root, ssh/sshd, symlinks, an /etc/ssh tree) skip there, each saying why.
# internal/resolve is left out: its tests assume Unix paths. internal/putty runs on its own first: it
# writes PuTTY's and KiTTY's real keys in this prefix for a moment, which
# the others' tests (show) would otherwise read.
export PATH="$here:$PATH"

# again runs a test command a second time when it fails once: Wine, on a
# busy machine, now and then fails to start a process ("fork/exec ...
# Internal error") or answers a registry query empty. The first failure
# stays in the output above the rerun, and a second failure fails the lane.
again() {
	"$@" && return 0
	echo "test-windows: FAILED once under Wine; running it again to tell a Wine hiccup from a real failure: $*" >&2
	"$@"
}
again env GOOS=windows GOARCH=amd64 "$go" test -count=1 ./internal/putty
again env GOOS=windows GOARCH=amd64 "$go" test -count=1 \
	./internal/atomicfile ./internal/edit ./internal/openssh ./internal/report ./internal/cli
# keepalive.exe under Wine, checked from Linux with wine reg query and the
# bytes of the files it wrote. It makes a prefix of its own, so that the
# real PuTTY key and %USERPROFILE% start empty.
again "$go" test -count=1 ./internal/winetest
echo "test-windows: took $(($(date +%s) - start)) s"
