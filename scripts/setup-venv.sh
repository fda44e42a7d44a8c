#!/usr/bin/env bash
# Create .venv and install reportsearch into it (editable), but only when needed: .venv missing
# or broken, or setup.cfg / pyproject.toml changed since the last install. The last install is
# recorded in .venv/reportsearch-installed, so a start with everything in place never runs pip
# and works without a network. pip's own output goes to .venv/install.log.
# Usage: setup-venv.sh [TARGET]   TARGET: "." (default) or ".[test]" (with the test extras).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TARGET=${1:-.}
STAMP=.venv/reportsearch-installed
LOG=.venv/install.log

fingerprint() { cat setup.cfg pyproject.toml | cksum | tr -d ' \t'; }

# Up to date: the stamp names this fingerprint and a target that covers the one asked for
# (".[test]" covers ".").
up_to_date() {
  [ -x .venv/bin/python ] && [ -x .venv/bin/reportsearch ] && [ -f "$STAMP" ] || return 1
  .venv/bin/python -c '' 2>/dev/null || return 1
  local hash installed
  read -r hash installed < "$STAMP" || return 1
  [ "$hash" = "$(fingerprint)" ] && { [ "$TARGET" = "." ] || [ "$installed" = "$TARGET" ]; }
}

up_to_date && exit 0

if ! .venv/bin/python -c '' 2>/dev/null; then
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "reportsearch 需要 Python 3.10 以上：没有找到 $PYTHON，或版本过低（可用环境变量 PYTHON 指定解释器）。" >&2
    exit 1
  fi
  rm -rf .venv
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    echo "无法在 .venv/ 建立虚拟环境（Debian/Ubuntu 上请先安装 python3-venv）。" >&2
    exit 1
  fi
fi

echo "正在把 reportsearch 及其依赖安装到 .venv/（只在首次运行或 setup.cfg 变化后进行，需要联网，约需一两分钟）……" >&2
if PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/python -m pip install -e "$TARGET" >"$LOG" 2>&1; then
  echo "$(fingerprint) $TARGET" >"$STAMP"
  echo "安装完成。" >&2
  exit 0
fi
tail -n 5 "$LOG" >&2
if [ -x .venv/bin/reportsearch ]; then
  echo "安装未完成（可能没有联网，完整记录见 .venv/install.log），继续使用已安装的版本。" >&2
  exit 0
fi
echo "安装失败（完整记录见 .venv/install.log）：请检查网络连接或 pip 的镜像设置后重试。" >&2
exit 1
