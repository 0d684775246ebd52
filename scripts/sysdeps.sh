#!/usr/bin/env bash
# System packages the pipeline and its tests need, from Debian.  Installs only
# what is missing, so a second run is a no-op; needs root (or sudo) the first time.
# Quiet: one line of its own; apt's output goes to a log shown in full only on failure.
set -euo pipefail
need=(poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "시스템 패키지를 설치합니다: ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
  echo "시스템 패키지 설치 실패 — 기록:"
  cat "$log"
  rm -f "$log"
  exit 1
fi
rm -f "$log"
