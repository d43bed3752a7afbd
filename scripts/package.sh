#!/usr/bin/env bash
# Builds keepalive's .deb and .rpm packages with nfpm (packaging/nfpm.yaml):
# /usr/bin/keepalive, the man pages, bash, zsh and fish completions and the
# license, for each architecture. `make package` runs it. Settings, from the
# environment (and `--print-version [VERSION]` prints the package version of
# VERSION and builds nothing):
#
#   VERSION         what keepalive --version prints (default: git describe);
#                   the package version is derived from it
#   ARCHES          Go architectures to package (default: amd64 arm64)
#   OUT             where the packages go (default: dist/packages)
#   NFPM            the nfpm command (default: the pinned nfpm, built with go install)
#   PKG_MAINTAINER  the packages' maintainer, "Name <email>"
#   SOURCE_DATE_EPOCH  file dates and the man pages' date (default: the
#                   commit's date), so that a rebuild gives the same files
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
# nfpm is pinned: a module version the Go module proxy serves, built below
# (once per run; Go's build cache makes the next runs quick).
NFPM_VERSION=v2.48.0
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
ARCHES=${ARCHES:-amd64 arm64}
OUT=${OUT:-dist/packages}
export PKG_MAINTAINER=${PKG_MAINTAINER:-"The keepalive authors <keepalive-ssh@users.noreply.github.com>"}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

# package_version turns a git describe into a version that dpkg and rpm both
# accept and order as git does:
#   v1.2.3               1.2.3
#   v1.2.3-rc1           1.2.3~rc1          (before 1.2.3)
#   v1.2.3-4-gabc1234    1.2.3+4.gabc1234   (after 1.2.3)
#   ...-dirty            ...+dirty or ....dirty
#   abc1234 (no tag)     0.0.0+N.abc1234    (N commits: later builds sort later)
#   1234abc (no tag)     0.0.0+N.1234abc
package_version() {
	local v=${1#v} dirty= build= pre=
	if [[ $v == *-dirty ]]; then dirty=1; v=${v%-dirty}; fi
	if [[ $v =~ ^(.*)-([0-9]+)-g([0-9a-f]+)$ ]]; then
		v=${BASH_REMATCH[1]}
		build="+${BASH_REMATCH[2]}.g${BASH_REMATCH[3]}"
	fi
	# A release is MAJOR.MINOR...; anything else (a bare commit hash, which
	# may start with a digit, or "dev") is a build between releases.
	if [[ ! $v =~ ^[0-9]+\.[0-9] ]]; then
		local n
		n=$(git rev-list --count HEAD 2>/dev/null || echo 0)
		build="+$n.$v${build/#+/.}"
		v=0.0.0
	elif [[ $v == *-* ]]; then
		pre="~${v#*-}"
		v=${v%%-*}
	fi
	if [ -n "$dirty" ]; then
		if [ -n "$build" ]; then build="$build.dirty"; else build="+dirty"; fi
	fi
	# Anything else dpkg or rpm would refuse becomes a dot.
	printf '%s\n' "$v$pre$build" | sed 's/[^A-Za-z0-9.+~]/./g'
}
# `package.sh --print-version [VERSION]` prints the package version and stops.
if [ "${1:-}" = --print-version ]; then
	package_version "${2:-$VERSION}"
	exit 0
fi
export PKG_VERSION=${PKG_VERSION:-$(package_version "$VERSION")}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [ -z "${NFPM:-}" ]; then
	GOOS= GOARCH= GOBIN="$stage/tools" $GO install "github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION"
	NFPM=$stage/tools/nfpm
fi
ldflags="-s -w -X github.com/keepalive-ssh/keepalive/internal/cli.Version=$VERSION"

# What every architecture shares: man pages, completions and the copyright
# file. The completions come from a binary for this machine, so that
# cross-built packages get them too.
common=$stage/common
mkdir -p "$common/completion"
CGO_ENABLED=0 GOOS= GOARCH= $GO build -trimpath -ldflags "$ldflags" -o "$stage/host/keepalive" ./cmd/keepalive
GOOS= GOARCH= $GO run -ldflags "-X github.com/keepalive-ssh/keepalive/internal/cli.Version=$VERSION" ./cmd/gendocs -out "$common/man1"
gzip -9n "$common"/man1/*.1
"$stage/host/keepalive" completion bash >"$common/completion/keepalive.bash"
"$stage/host/keepalive" completion zsh >"$common/completion/_keepalive"
"$stage/host/keepalive" completion fish >"$common/completion/keepalive.fish"
{
	printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n'
	printf 'Upstream-Name: keepalive\nSource: https://github.com/keepalive-ssh/keepalive\n\n'
	printf 'Files: *\nCopyright: %s\nLicense: MIT\n' "$(sed -n 's/^Copyright (c) //p' LICENSE)"
	sed -e 's/^$/./' -e 's/^/ /' LICENSE
} >"$common/copyright"

mkdir -p "$OUT"
rm -f "$OUT"/keepalive_*.deb "$OUT"/keepalive-*.rpm
for arch in $ARCHES; do
	dir=$stage/$arch
	mkdir -p "$dir"
	cp -R "$common"/. "$dir"/
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch $GO build -trimpath -ldflags "$ldflags" -o "$dir/keepalive" ./cmd/keepalive
	for packager in deb rpm; do
		PKG_ARCH=$arch PKG_STAGE=$dir $NFPM package --config packaging/nfpm.yaml --packager "$packager" --target "$OUT/"
	done
done
