#!/usr/bin/env bash
# Debian packages Dawn (npm `webgpu`) needs for MILAB_BACKEND=webgpu. setup.sh runs this only when
# MILAB_BACKEND=webgpu or MILAB_TEST_WEBGPU=1. Idempotent: installs only what is missing.
#   Software adapter (OpenGL ES on Mesa llvmpipe, how CI tests the backend without a GPU):
#     libegl1 + libegl-mesa0  EGL and Mesa's EGL driver (surfaceless platform)
#     libgl1-mesa-dri         llvmpipe itself (swrast_dri.so)
#     libegl-dev              Dawn dlopens the unversioned name libEGL.so, which only the -dev
#                             package provides; without it Dawn reports no adapter
#   Hardware adapter: libvulkan1 (the Vulkan loader), only where a GPU device node exists. The
#   driver's Vulkan ICD comes with the driver (NVIDIA: its driver package or, in containers,
#   NVIDIA_DRIVER_CAPABILITIES including `graphics`; AMD/Intel: mesa-vulkan-drivers).
# GLES libraries (libgles2) are not needed: Dawn gets GL entry points through EGL.
#   --quiet  print only what is being installed
set -euo pipefail

QUIET=0
for arg in "$@"; do
  case "$arg" in
    --quiet) QUIET=1 ;;
    *) echo "webgpu-deps: unknown option '$arg' (expected --quiet)" >&2; exit 2 ;;
  esac
done
say() { [ "$QUIET" = 1 ] || echo "setup: $*"; }

# Dawn uses Metal on macOS and D3D12 on Windows: nothing to install there.
[ "$(uname -s)" = Linux ] || exit 0

WANTED=(libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev)
if ls /dev/nvidia0 /dev/dri/renderD* >/dev/null 2>&1; then WANTED+=(libvulkan1); fi

if ! command -v dpkg-query >/dev/null; then
  say "WebGPU: not a Debian system; make sure EGL + Mesa (llvmpipe) or a Vulkan driver are installed"
  exit 0
fi

missing=()
for pkg in "${WANTED[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  say "WebGPU libraries in place (${WANTED[*]})"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup: WebGPU needs Debian packages that are missing: ${missing[*]}" >&2
  echo "setup:   sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 0 # the backend itself reports clearly what it cannot find
fi

echo "setup: installing WebGPU libraries from Debian: ${missing[*]}"
log=/tmp/milab-apt-webgpu.log
opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
if ! DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "${missing[@]}" >"$log" 2>&1; then
  echo "setup: apt-get update (package lists are missing or stale)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600 >>"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "${missing[@]}" >>"$log" 2>&1 || {
    tail -5 "$log" >&2
    echo "setup: error: apt-get install ${missing[*]} failed (log: $log)" >&2
    exit 1
  }
fi
