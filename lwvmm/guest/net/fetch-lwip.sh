#!/bin/sh
# Fetches lwIP's release tarball (Debian's copy of the upstream source),
# checks its pinned SHA-256 and unpacks it into DEST, for the guest build.
#
#   lwvmm/guest/net/fetch-lwip.sh DEST
#
# The tarball is cached outside the tree, in $LWVMM_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/lwvmm), so `make clean` does not download it
# again. LWIP_TARBALL=FILE uses a local copy instead (it must match the hash).
# Any failure ends in one message naming the cause, and a non-zero exit.
set -eu

VERSION=2.1.3
FILE=lwip_${VERSION}+dfsg1.orig.tar.xz
URL=http://deb.debian.org/debian/pool/main/l/lwip/$FILE
SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24

fail() {
	echo "lwIP fetch: $*" >&2
	echo "lwIP fetch: the built-in guest's TCP/IP stack (lwvmm/guest/net/README.md) cannot be built;" \
		"put a copy of $FILE (sha256 $SHA256) in LWIP_TARBALL=FILE to build offline" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
DEST=$1
CACHE=${LWVMM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lwvmm}
TARBALL=${LWIP_TARBALL:-$CACHE/$FILE}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -z "${LWIP_TARBALL:-}" ] && { [ ! -f "$TARBALL" ] || [ "$(sha_of "$TARBALL")" != "$SHA256" ]; }; then
	mkdir -p "$CACHE" || fail "cannot create the cache directory $CACHE"
	tmp=$(mktemp "$CACHE/.$FILE.XXXXXX") || fail "cannot write to $CACHE"
	trap 'rm -f "$tmp"' EXIT INT TERM
	echo "lwIP fetch: downloading $URL" >&2
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 2 --connect-timeout 20 -o "$tmp" "$URL" 2>"$tmp.err" ||
			{ err=$(cat "$tmp.err"); rm -f "$tmp.err"; fail "cannot download $URL: $err"; }
		rm -f "$tmp.err"
	elif command -v wget >/dev/null 2>&1; then
		wget -q -T 20 -O "$tmp" "$URL" || fail "cannot download $URL (wget failed)"
	else
		fail "neither curl nor wget is installed to download $URL"
	fi
	mv "$tmp" "$TARBALL"
	trap - EXIT INT TERM
fi
[ -f "$TARBALL" ] || fail "$TARBALL does not exist"
got=$(sha_of "$TARBALL")
[ "$got" = "$SHA256" ] || fail "$TARBALL has SHA-256 $got, expected $SHA256 (corrupt or not lwIP $VERSION)"

# Unpack beside DEST, then move into place, so an interrupted run leaves no half tree.
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST" "$DEST.tmp"
mkdir "$DEST.tmp"
tar -xJf "$TARBALL" -C "$DEST.tmp" --strip-components=1 || { rm -rf "$DEST.tmp"; fail "cannot unpack $TARBALL"; }
[ -f "$DEST.tmp/src/core/tcp.c" ] || { rm -rf "$DEST.tmp"; fail "$TARBALL holds no src/core/tcp.c"; }
mv "$DEST.tmp" "$DEST"
echo "lwIP fetch: lwIP $VERSION unpacked in $DEST" >&2
