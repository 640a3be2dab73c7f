#!/usr/bin/env bash
# Test set-up of test_formats_e2e (a ctest fixture): installs the pinned gguf package (installer/test-requirements.txt)
# into the torch virtual environment when missing, then converts the tiny t2v fixture's DiT into one GGUF file per
# type with tests/scripts/gguf_fixture.py.
# Usage: gguf_fixture.sh VENV_PYTHON FIXTURE_DIR OUT_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="$1"
fixture="$2"
out="$3"
requirements="$root/installer/test-requirements.txt"
if [[ ! -x "$python" ]]; then
    echo "gguf fixture: no Python at $python (the torch virtual environment; run installer/bootstrap.sh test)" >&2
    exit 1
fi
rm -rf "$out"
if [[ ! -f "$fixture/diffusion_pytorch_model.safetensors" ]]; then
    # The test itself skips (or fails in CI) without the fixtures and says why.
    echo "gguf fixture: no fixture DiT in $fixture; nothing converted" >&2
    exit 0
fi
venv="$(dirname "$(dirname "$python")")"
stamp="$venv/.wan-test-requirements"
if ! { [[ -f "$stamp" ]] && cmp -s "$stamp" "$requirements" && "$python" -c "import gguf" 2>/dev/null; }; then
    echo "gguf fixture: installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv"
    "$python" -m pip install --disable-pip-version-check --progress-bar off -q --no-deps -r "$requirements"
    cp "$requirements" "$stamp"
fi
"$python" "$root/tests/scripts/gguf_fixture.py" "$fixture" "$out"
