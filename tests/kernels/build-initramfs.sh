#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the initramfs the kernel matrix boots (make test-kernels, docs/kernels.md):
#   busybox-static, the published agent (build/app) with the .NET runtime it runs on and every shared
#   library they load, the XDP packet corpus, and tests/kernels/init as /init.
# The publish in `make build` is framework-dependent, so the host's runtime (the one `dotnet` on PATH
# runs) is copied beside it: the guest runs exactly what `make build` published. ICU is left out
# (/init sets DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1). The archive is an uncompressed newc cpio: the
# guest runs under software emulation, where unpacking ~120 MB costs much less than decompressing it.
#
# usage: build-initramfs.sh APP_DIR CORPUS_DIR OUTPUT.cpio
set -euo pipefail

app=${1:?usage: build-initramfs.sh APP_DIR CORPUS_DIR OUTPUT.cpio}
corpus=${2:?usage: build-initramfs.sh APP_DIR CORPUS_DIR OUTPUT.cpio}
output=${3:?usage: build-initramfs.sh APP_DIR CORPUS_DIR OUTPUT.cpio}
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "build-initramfs: $*" >&2; exit 1; }

[ -x "$app/netscope" ] || fail "$app/netscope missing: run 'make build' first"
[ -f "$corpus/manifest.json" ] || fail "$corpus/manifest.json missing"
busybox=/bin/busybox
{ ldd "$busybox" 2>&1 || true; } | grep -q 'not a dynamic' || fail "$busybox is not the static build: install busybox-static"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(sed -n '0,/"version"/s/.*"version": *"\([^"]*\)".*/\1/p' "$app/netscope.runtimeconfig.json")
[ -n "$runtime_version" ] || fail "no framework version in $app/netscope.runtimeconfig.json"
libbpf=$(ldconfig -p | awk '/libbpf\.so\.1 .*x86-64/ && !found {print $NF; found = 1}')
[ -n "$libbpf" ] || fail "libbpf.so.1 not found (install libbpf1)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,usr/lib,usr/lib64,app,corpus}
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$here/init" "$root/init"
cp -r "$app/." "$root/app/"
cp -r "$corpus" "$root/corpus/xdp"

# The runtime: host (dotnet muxer + hostfxr) and the shared frameworks the app was built against.
mkdir -p "$root/usr/share/dotnet/shared"
cp "$dotnet_root/dotnet" "$root/usr/share/dotnet/"
cp -r "$dotnet_root/host" "$root/usr/share/dotnet/"
for framework in "$dotnet_root"/shared/*; do
	name=$(basename "$framework")
	version=$(ls "$framework" | sort -V | grep -F "$(echo "$runtime_version" | cut -d. -f1-2)." | tail -1)
	[ -n "$version" ] || fail "no $name ${runtime_version%.*}.x under $framework"
	mkdir -p "$root/usr/share/dotnet/shared/$name"
	cp -r "$framework/$version" "$root/usr/share/dotnet/shared/$name/"
done

# Every shared library the runtime, the app and libbpf load, at the paths the host's loader uses.
# (ldd lists the dependencies of dlopen'ed libraries only when asked about them: hence every binary.)
mapfile -t binaries < <(find "$root/app" "$root/usr/share/dotnet" -type f \( -name '*.so' -o -name dotnet -o -name netscope \))
mapfile -t libraries < <(for binary in "$libbpf" "${binaries[@]}"; do ldd "$binary" 2>/dev/null || true; done \
	| awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u)
for lib in "$libbpf" "${libraries[@]}"; do
	cp --parents -L "$lib" "$root/"
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$output.tmp"
mv "$output.tmp" "$output"
echo "build-initramfs: $output ($(du -h "$output" | cut -f1)), .NET runtime $(ls "$root/usr/share/dotnet/shared/Microsoft.NETCore.App")"
