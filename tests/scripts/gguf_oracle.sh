#!/usr/bin/env bash
# Test set-up of test_gguf_oracle (a ctest fixture): installs the pinned gguf package (installer/test-requirements.txt)
# into the torch virtual environment when missing, then writes the oracle files with tests/scripts/gguf_oracle.py.
# Usage: gguf_oracle.sh VENV_PYTHON OUT_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="$1"
out="$2"
requirements="$root/installer/test-requirements.txt"
if [[ ! -x "$python" ]]; then
    echo "gguf oracle: no Python at $python (the torch virtual environment; run installer/bootstrap.sh test)" >&2
    exit 1
fi
venv="$(dirname "$(dirname "$python")")"
stamp="$venv/.wan-test-requirements"
if ! { [[ -f "$stamp" ]] && cmp -s "$stamp" "$requirements" && "$python" -c "import gguf" 2>/dev/null; }; then
    echo "gguf oracle: installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv"
    "$python" -m pip install --disable-pip-version-check --progress-bar off -q --no-deps -r "$requirements"
    cp "$requirements" "$stamp"
fi
rm -rf "$out"
"$python" "$root/tests/scripts/gguf_oracle.py" "$out"
