#!/usr/bin/env bash
# Set up nianbao on a fresh machine: a virtualenv in .venv with the package installed.
#
#   bash scripts/setup.sh            # Python packages only (enough to read and check reports)
#   bash scripts/setup.sh --system   # also the Debian packages the full test suite needs
#                                    # (scripts/apt-packages.txt: CJK fonts, LibreOffice, chromium…)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--system" ]; then
  mapfile -t wanted < <(grep -v '^\s*#' scripts/apt-packages.txt | awk 'NF {print $1}')
  missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "需要安装系统软件包（请以 root 运行或使用 sudo）：${missing[*]}" >&2
      exit 1
    fi
    echo "安装系统软件包：${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  extras=".[dev,postgres,dask,collect]"
else
  extras="."
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e "$extras"
