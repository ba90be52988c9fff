#!/usr/bin/env bash
# Runs the browser tests (six months of generated data, every page as each role, in chromium) and copies the main
# screenshots into docs/images/ for the README.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/test" --filter "FullyQualifiedName~BrowserTests"
shots="$root/TestResults/screenshots"
for name in quocgia-tong-quan hanoi-tinh quocgia-qua-han baocao-bao-cao hanoi-tinh-dien-thoai; do
  cp "$shots/$name.png" "$root/docs/images/dashboard-$name.png"
done
ls -la "$root/docs/images/"dashboard-*.png
