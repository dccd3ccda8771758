#!/usr/bin/env bash
# Unpacks the kernel image of a Debian kernel package into a build directory, for test-kernels to boot
# under qemu: the package is downloaded, never installed, so the host's /boot, initramfs hooks and boot
# loader are left alone (installing linux-image-* would run update-initramfs and touch the boot setup of
# the machine the tests run on).
#   fetch-guest-kernel.sh PACKAGE DEST    e.g. linux-image-cloud-amd64 build/kernels/debian-6.1-cloud
# PACKAGE may be a metapackage (linux-image-cloud-amd64): the linux-image-* it depends on is what is fetched.
# Only ./boot/ of the package is extracted (vmlinuz, config, System.map), not its modules.
set -euo pipefail

package=$1
dest=$2

if compgen -G "$dest/boot/vmlinuz-*" >/dev/null; then
    exit 0
fi

# The metapackage's dependency names the versioned image package (empty until the package lists know it).
image_package() { apt-cache depends "$package" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'; }
image=$(image_package)
if [ -z "$image" ]; then
    apt-get update -qq
    image=$(image_package)
fi
image=${image:-$package}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download runs as the _apt user where it can; the work directory must be writable for it.
chmod 755 "$work"
if ! (cd "$work" && apt-get download -qq "$image" 2>/dev/null); then
    apt-get update -qq
    (cd "$work" && apt-get download -qq "$image")
fi

mkdir -p "$dest"
dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$dest" ./boot/
echo "fetch-guest-kernel: $(ls "$dest"/boot/vmlinuz-*) from $image"
