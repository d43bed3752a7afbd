#!/usr/bin/env bash
# Installs what the test suite runs against: the real OpenSSH client and
# server, PuTTY's command-line tools, the network tools the NAT test needs,
# Ansible (with validate-modules' voluptuous) for the collection's tests,
# rpm and man-db to inspect and install the packages, and Wine with a
# mingw-w64 compiler for the Windows lane (make test-windows).
# Debian/Ubuntu, as root (or with sudo).
set -euo pipefail
pkgs=(openssh-client openssh-server putty-tools iproute2 iptables conntrack procps kmod
	ansible-core python3-voluptuous rpm man-db util-linux
	wine wine64 gcc-mingw-w64-x86-64-win32)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
