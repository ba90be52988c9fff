#!/usr/bin/env bash
# Renders the report pictures of docs/images/ from a store that holds the demo data (`./reform demo` first):
# the PDF bulletin and form pages with pdftoppm, the Excel form as LibreOffice prints it in the vi-VN locale.
# Usage: docs/make-report-images.sh [STORE] [PERIOD] [PROVINCE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
store="${1:-$root/.reform-data}"; period="${2:-2026-Q3}"; province="${3:-01}"
need=()
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
out="$root/docs/images"; mkdir -p "$out"
"$root/reform" --store "$store" report --form bulletin --period "$period" --province "$province" --out "$work/bulletin.pdf"
"$root/reform" --store "$store" report --form tthc-results --format pdf --period "$period" --province "$province" --out "$work/form.pdf"
"$root/reform" --store "$store" report --form tthc-results --period "$period" --province "$province" --out "$work/excel.xlsx"
rm -f "$out"/bulletin-*.png "$out"/pdf-form-*.png "$out"/excel-form-*.png
pdftoppm -r 80 -png "$work/bulletin.pdf" "$out/bulletin"
rm -f "$out/bulletin-6.png" # the form's second page: the README shows its first
pdftoppm -r 90 -f 1 -l 1 -png "$work/form.pdf" "$out/pdf-form"
LANG=vi_VN.UTF-8 LC_ALL=vi_VN.UTF-8 soffice --headless --convert-to pdf --outdir "$work" "$work/excel.xlsx" >/dev/null 2>&1
pdftoppm -r 100 -f 1 -l 1 -png "$work/excel.pdf" "$work/excel" && mv "$work/excel-1.png" "$out/excel-form-libreoffice.png"
ls -la "$out"
