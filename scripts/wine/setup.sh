#!/usr/bin/env bash
# Creates a throwaway 64-bit Wine prefix in which Go's Windows programs and
# test binaries run: DIR/prefix, with the stub bcryptprimitives.dll built
# from stub.c (see its comment) in its system32. Prints the prefix's path.
#
#   scripts/wine/setup.sh DIR
#
# Needs wine, wine64 and x86_64-w64-mingw32-gcc (Debian: wine wine64
# gcc-mingw-w64-x86-64-win32). No X display is needed. Remove the prefix
# with `WINEPREFIX=DIR/prefix wineserver -k; rm -rf DIR`.
set -euo pipefail
dir=${1:?usage: setup.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
for tool in wine wineboot wineserver x86_64-w64-mingw32-gcc; do
	command -v "$tool" >/dev/null || {
		echo "setup.sh: $tool not found: install wine, wine64 and gcc-mingw-w64-x86-64-win32 (make test-setup)" >&2
		exit 1
	}
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -nostdlib -Wl,--entry,DllMain \
	-o "$dir/bcryptprimitives.dll" "$here/stub.c" -ladvapi32 -lkernel32

# No Mono or Gecko: nothing here needs .NET or a browser engine, and Wine
# would otherwise offer to download them.
export WINEPREFIX="$dir/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# wineboot's helpers (wineserver, services.exe, explorer.exe) outlive it and
# hold on to its output: keep them away from the caller's pipes.
wineboot -i </dev/null >/dev/null 2>&1
wine winecfg /v win10 </dev/null >/dev/null 2>&1
cp "$dir/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
echo "$WINEPREFIX"
