#!/usr/bin/env bash
# Install mmcv 2.1.0 *with compiled ops* into the current Python environment.
#
# PyPI only has mmcv 2.1.0 as an sdist, which does not build against
# torch >= 2.6 as shipped: its setup.py needs torch at build time (so no build
# isolation), imports pkg_resources (setuptools < 81) and passes -std=c++17,
# while torch 2.14's headers need C++20. This script
#   1. keeps an mmcv 2.1.0 that already has ops (e.g. from OpenMMLab's wheel index);
#   2. otherwise installs a wheel cached by an earlier build of the same
#      torch/CUDA combination (a warm machine never rebuilds);
#   3. otherwise downloads the sdist, switches it to C++20, builds CPU ops
#      (and CUDA ops when torch has CUDA *and* a GPU and nvcc are present),
#      caches the wheel and installs it.
# Usage: PYTHON=.venv/bin/python bash tools/install/install_mmcv.sh
set -euo pipefail
PYTHON=${PYTHON:-python}
MMCV_VERSION=2.1.0
CACHE=${MMRAZOR_DCCD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmrazor_dccd}

have_ops() {
  "$PYTHON" - <<PY 2>/dev/null
import sys
import mmcv, mmcv._ext  # noqa: F401
sys.exit(0 if mmcv.__version__ == '$MMCV_VERSION' else 1)
PY
}

# mmcv-lite (pure Python) and mmcv both install the `mmcv` package: never keep both.
for dist in mmcv-lite mmcv-full; do
  if "$PYTHON" -m pip show -q "$dist" >/dev/null 2>&1; then
    echo "[install_mmcv] removing $dist: it installs the same 'mmcv' package without ops"
    "$PYTHON" -m pip uninstall -y -q "$dist"
    "$PYTHON" -m pip uninstall -y -q mmcv >/dev/null 2>&1 || true
  fi
done

if have_ops; then
  echo "[install_mmcv] mmcv $MMCV_VERSION with compiled ops is already installed"
  exit 0
fi

read -r TORCH_TAG WITH_CUDA < <("$PYTHON" - <<'PY'
import shutil, torch
cuda = torch.version.cuda is not None and torch.cuda.is_available() and shutil.which('nvcc') is not None
print(f"torch{torch.__version__.split('+')[0]}-{'cu' + torch.version.cuda.replace('.', '') if cuda else 'cpu'}", int(cuda))
PY
)
WHEELS="$CACHE/wheels/$TORCH_TAG"
mkdir -p "$WHEELS"
wheel=$(ls "$WHEELS"/mmcv-$MMCV_VERSION-*.whl 2>/dev/null | head -n1 || true)

if [ -z "$wheel" ]; then
  echo "[install_mmcv] building mmcv $MMCV_VERSION ops for $TORCH_TAG (about 15 min on 2 cores; cached in $WHEELS)"
  "$PYTHON" -m pip install -q 'setuptools<81' wheel ninja
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$PYTHON" -m pip download -q --no-deps --no-binary :all: --no-build-isolation \
    "mmcv==$MMCV_VERSION" -d "$work"
  tar xzf "$work/mmcv-$MMCV_VERSION.tar.gz" -C "$work"
  src="$work/mmcv-$MMCV_VERSION"
  # torch 2.14's headers need C++20.
  sed -i 's/c++17/c++20/g' "$src/setup.py"
  grep -q 'c++20' "$src/setup.py"
  export PATH="$(dirname "$PYTHON"):$PATH"   # ninja from the same environment
  # -g0: no debug info in the ops (a faster build and a smaller wheel).
  CFLAGS="${CFLAGS:-} -g0" MMCV_WITH_OPS=1 FORCE_CUDA=$WITH_CUDA \
    MAX_JOBS=${MAX_JOBS:-$(nproc)} \
    "$PYTHON" -m pip wheel --no-build-isolation --no-deps -w "$work/dist" "$src"
  cp "$work"/dist/mmcv-$MMCV_VERSION-*.whl "$WHEELS/"
  wheel=$(ls "$WHEELS"/mmcv-$MMCV_VERSION-*.whl | head -n1)
fi

echo "[install_mmcv] installing $wheel"
"$PYTHON" -m pip install -q --no-deps --force-reinstall "$wheel"
"$PYTHON" -m pip install -q 'mmengine>=0.10.7,<1.0' 'addict' 'opencv-python<4.12' \
  'pyyaml' 'yapf' 'packaging' 'pillow'
have_ops || { echo "[install_mmcv] mmcv installed but 'import mmcv._ext' fails" >&2; exit 1; }
echo "[install_mmcv] ok"
