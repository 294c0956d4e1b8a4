#!/usr/bin/env bash
# One idempotent set-up for every entry point (npm start / test / lab / bench / full). Fast when
# everything is in place; each step says what it checks and only acts when something is missing.
#   --for-tests  also make sure Chromium is there for the browser test
#   --quiet      print only what is being installed or built
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

FOR_TESTS=0
QUIET=0
for arg in "$@"; do
  case "$arg" in
    --for-tests) FOR_TESTS=1 ;;
    --quiet) QUIET=1 ;;
    *) echo "setup: unknown option '$arg' (expected --for-tests, --quiet)" >&2; exit 2 ;;
  esac
done

say() { [ "$QUIET" = 1 ] || echo "setup: $*"; }
QUIET_FLAG=()
if [ "$QUIET" = 1 ]; then QUIET_FLAG=(--quiet); fi
act() { echo "setup: $*"; }
fail() { echo "setup: error: $*" >&2; exit 1; }

is_debian_root() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }

# apt-get install, refreshing the package lists only when the install cannot find something.
apt_install() {
  local opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
  if ! DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/tmp/milab-apt.log 2>&1; then
    act "apt-get update (package lists are missing or stale)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600 >>/tmp/milab-apt.log 2>&1 \
      || { tail -5 /tmp/milab-apt.log >&2; fail "apt-get update failed (log: /tmp/milab-apt.log)"; }
    DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >>/tmp/milab-apt.log 2>&1 \
      || { tail -5 /tmp/milab-apt.log >&2; fail "apt-get install $* failed (log: /tmp/milab-apt.log)"; }
  fi
}

# 1. Node.js
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || fail "Node.js >= 20.19 is needed (found $(node --version)); install it from https://nodejs.org or your package manager"

# 2. npm packages, only when node_modules does not match package-lock.json
if reason=$(node environment/deps-fresh.js); then
  say "npm packages up to date"
else
  act "npm ci ($reason)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 3. TypeScript build (incremental): lib -> lib/dist, tests/scripts/bench -> dist
say "building (tsc -b)"
node_modules/.bin/tsc -b || fail "TypeScript build failed (errors above)"
# The CLI's file is built after npm links workspace bins, so npm may not have linked it: do it here.
if [ -f lib/dist/cli/main.js ]; then
  chmod +x lib/dist/cli/main.js
  [ -e node_modules/.bin/milab ] || ln -sf ../../lib/dist/cli/main.js node_modules/.bin/milab
fi

# 3b. The native kernels (lib/native: oneDNN's matrix products on the wasm heap; see README
# "Backends"). Optional: where they cannot be built (no compiler, no oneDNN and no way to install
# it, no Node headers) this says so in one line and milab runs on the wasm kernels. Never fails.
NATIVE_ADDON=lib/native/build/Release/milab_native.node
native_skip() { echo "setup: native kernels not built ($*); milab runs on the wasm kernels"; }
has_onednn() { echo '#include <oneapi/dnnl/dnnl.hpp>' | c++ -E -x c++ - >/dev/null 2>&1; }
build_native() {
  if [ "${MILAB_NATIVE:-}" = 0 ]; then say "native kernels off (MILAB_NATIVE=0)"; return 0; fi
  local stale
  stale=$(find lib/native/binding.gyp lib/native/src -newer "$NATIVE_ADDON" 2>/dev/null || echo missing)
  if [ -z "$stale" ]; then
    say "native kernels built (lib/native)"
    return 0
  fi
  command -v c++ >/dev/null && command -v make >/dev/null && command -v python3 >/dev/null \
    || { native_skip "needs a C++ compiler, make and python3"; return 0; }
  if ! has_onednn && is_debian_root; then
    act "installing oneDNN (Debian package libdnnl-dev) for the native kernels"
    local opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
    { DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" libdnnl-dev \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q \
        && DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" libdnnl-dev; }; } \
      >>/tmp/milab-apt.log 2>&1 || true
  fi
  has_onednn || { native_skip "oneDNN is missing: apt-get install libdnnl-dev"; return 0; }
  # Node's own headers (Debian's nodejs, or an official tarball), else node-gyp's download cache.
  local prefix gyp nodedir=()
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [ -f "$prefix/include/node/common.gypi" ] && nodedir=(--nodedir="$prefix")
  [ ${#nodedir[@]} = 1 ] || [ -d "$HOME/.cache/node-gyp/$(node -p process.versions.node)" ] \
    || { native_skip "no Node.js headers in $prefix/include/node"; return 0; }
  gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  [ -f node_modules/node-gyp/bin/node-gyp.js ] && gyp=node_modules/node-gyp/bin/node-gyp.js
  [ -f "$gyp" ] || { native_skip "node-gyp not found"; return 0; }
  act "building the native kernels (node-gyp, lib/native)"
  if ! node "$gyp" rebuild --directory lib/native "${nodedir[@]}" >/tmp/milab-native.log 2>&1 \
    || ! node -e "require('./$NATIVE_ADDON').info()" >>/tmp/milab-native.log 2>&1; then
    rm -f "$NATIVE_ADDON"
    native_skip "the build failed, log: /tmp/milab-native.log"
  fi
}
build_native

# 4. Jupyter: a Python that can run notebooks headlessly (nbclient + nbconvert)
has_jupyter() { "$1" -c 'import nbclient, nbconvert, nbformat, jupyter_client' >/dev/null 2>&1; }
find_python() {
  local candidates=() jupyter_bin
  if jupyter_bin=$(command -v jupyter 2>/dev/null); then
    # The interpreter of the `jupyter` on PATH, from its #! line.
    candidates+=("$(head -1 "$jupyter_bin" | sed -n 's/^#![[:space:]]*//p' | awk '$1 ~ /\/env$/ {print $2; next} {print $1}')")
  fi
  candidates+=("$(command -v python3 2>/dev/null || true)" "$(command -v python 2>/dev/null || true)" /usr/bin/python3)
  for py in "${candidates[@]}"; do
    [ -n "$py" ] || continue
    py=$(command -v "$py" 2>/dev/null || true)
    if [ -n "$py" ] && [ -x "$py" ] && has_jupyter "$py"; then echo "$py"; return 0; fi
  done
  return 1
}
JUPYTER_DEBS=(jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook)
if ! PYTHON=$(find_python); then
  if is_debian_root; then
    act "installing Jupyter from Debian packages: ${JUPYTER_DEBS[*]}"
    apt_install "${JUPYTER_DEBS[@]}"
    PYTHON=$(find_python) || fail "Jupyter was installed but no Python can import nbclient and nbconvert"
  else
    fail "Jupyter is missing (no Python can import nbclient and nbconvert). Install it with
    python3 -m pip install --user jupyterlab nbclient nbconvert
  or, on Debian/Ubuntu: sudo apt-get install ${JUPYTER_DEBS[*]}"
  fi
fi
say "Jupyter: $PYTHON"

# 5. The tslab kernel, in a project-local Jupyter data dir (JUPYTER_PATH), never installed globally.
# It starts through dist/scripts/tslab-kernel.js (tslab with its lost-message bug worked around),
# with this Node.js by its full path, so editors that start kernels without the shell's PATH work.
JUPYTER_DIR="$ROOT/.cache/jupyter"
mkdir -p "$JUPYTER_DIR/kernels/tslab"
NODE_BIN=$(command -v node)
KERNEL_JSON=$(cat <<JSON
{
  "argv": ["$NODE_BIN", "$ROOT/dist/scripts/tslab-kernel.js", "kernel", "--config-path", "{connection_file}"],
  "display_name": "TypeScript (tslab, milab)",
  "language": "typescript"
}
JSON
)
if [ "$(cat "$JUPYTER_DIR/kernels/tslab/kernel.json" 2>/dev/null)" != "$KERNEL_JSON" ]; then
  printf '%s\n' "$KERNEL_JSON" >"$JUPYTER_DIR/kernels/tslab/kernel.json"
  act "tslab kernelspec written to .cache/jupyter/kernels/tslab"
else
  say "tslab kernelspec in place"
fi
# What the scripts read: which Python runs notebooks, where the kernelspec lives.
ENV_JSON="{\"python\": \"$PYTHON\", \"jupyterPath\": \"$JUPYTER_DIR\"}"
if [ "$(cat .cache/milab-env.json 2>/dev/null)" != "$ENV_JSON" ]; then printf '%s\n' "$ENV_JSON" >.cache/milab-env.json; fi

# 5b. The milab-plotly nbextension (classic Notebook): draws showPlot's Plotly JSON with a local
# plotly.js, so charts survive save/reload (no trust needed) and page reloads. Installed into the
# project's Jupyter dirs only: nbextensions/ is found through JUPYTER_PATH, nbconfig/ (which enables
# it) through JUPYTER_CONFIG_PATH; scripts/lab.ts sets both.
NBEXT_SRC="$ROOT/environment/nbextension/milab-plotly"
NBEXT_DIR="$JUPYTER_DIR/nbextensions/milab-plotly"
PLOTLY_JS="$ROOT/node_modules/plotly.js-dist-min/plotly.min.js"
NBCONFIG_JSON='{"load_extensions": {"milab-plotly/main": true}}'
mkdir -p "$NBEXT_DIR" "$JUPYTER_DIR/nbconfig"
if cmp -s "$NBEXT_SRC/main.js" "$NBEXT_DIR/main.js" \
  && cmp -s "$PLOTLY_JS" "$NBEXT_DIR/plotly.min.js" \
  && [ "$(cat "$JUPYTER_DIR/nbconfig/notebook.json" 2>/dev/null)" = "$NBCONFIG_JSON" ]; then
  say "milab-plotly nbextension in place"
else
  cp "$NBEXT_SRC/main.js" "$NBEXT_DIR/main.js"
  cp "$PLOTLY_JS" "$NBEXT_DIR/plotly.min.js"
  printf '%s\n' "$NBCONFIG_JSON" >"$JUPYTER_DIR/nbconfig/notebook.json"
  act "milab-plotly nbextension written to .cache/jupyter/nbextensions, enabled in nbconfig/"
fi

# 6. Datasets (the data scripts check, verify and say what they do)
if [ -f dist/scripts/prepare-data.js ]; then
  node dist/scripts/prepare-data.js "${QUIET_FLAG[@]}"
fi

# 7. WebGPU native dependencies, only when that backend is wanted
if { [ "${MILAB_BACKEND:-}" = webgpu ] || [ "${MILAB_TEST_WEBGPU:-}" = 1 ]; } && [ -f environment/webgpu-deps.sh ]; then
  bash environment/webgpu-deps.sh "${QUIET_FLAG[@]}"
fi

# 8. Chromium for the browser test (test/browser.test.ts)
if [ "$FOR_TESTS" = 1 ]; then
  if command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; then
    say "Chromium: $(command -v chromium || echo /usr/bin/chromium)"
  elif is_debian_root; then
    act "installing Chromium (Debian package chromium) for the browser test"
    apt_install chromium
  else
    echo "setup: Chromium is missing: the browser test will be skipped (install it: sudo apt-get install chromium)"
  fi
fi
say "ready"
