#!/usr/bin/env bash
# The benchmark peers (bench/peers/*.py): PyTorch with OpenBLAS's threaded BLAS, and scikit-learn.
# Idempotent: does nothing when /usr/bin/python3 already imports torch and sklearn and (on Debian)
# libopenblas0-pthread is installed. As root on Debian it installs python3-torch,
# libopenblas0-pthread (without it torch falls back to the reference BLAS, ~3x slower: not a fair
# peer) and python3-sklearn; elsewhere it says what to install. Errors: lines starting
# 'peers: error:' on stderr, exit status 1.
set -euo pipefail

PY=${MILAB_PEER_PYTHON:-/usr/bin/python3}
PKGS=(python3-torch libopenblas0-pthread python3-sklearn)
LOG=/tmp/milab-peers-apt.log
has_peers() { [ -x "$PY" ] && "$PY" -c 'import torch, sklearn' >/dev/null 2>&1; }
has_openblas() { [ ! -f /etc/debian_version ] || dpkg -s libopenblas0-pthread >/dev/null 2>&1; }

if has_peers && has_openblas; then
  echo "peers: PyTorch and scikit-learn present ($PY)"
  exit 0
fi

# Another apt may hold the dpkg lock (e.g. a set-up running in the background): wait for it.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=1200 "${PKGS[@]}" >>"$LOG" 2>&1
}
apt_update() {
  DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=1200 >>"$LOG" 2>&1
}

if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
  echo "peers: installing ${PKGS[*]} (apt)"
  : >"$LOG"
  if ! apt_install && ! { apt_update && apt_install; }; then
    tail -5 "$LOG" >&2
    echo "peers: error: apt-get install ${PKGS[*]} failed (log: $LOG)" >&2
    exit 1
  fi
  PY=/usr/bin/python3
  has_peers || { echo "peers: error: $PY still cannot import torch and sklearn" >&2; exit 1; }
  echo "peers: ready ($PY)"
  exit 0
fi

echo "peers: error: PyTorch and scikit-learn are needed for 'npm run bench -- compare'" \
  "(Debian as root: apt-get install ${PKGS[*]}; elsewhere: pip install torch scikit-learn," \
  "then MILAB_PEER_PYTHON=/path/to/that/python3)" >&2
exit 1
