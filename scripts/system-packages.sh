#!/usr/bin/env bash
# Debian packages the product and its tests use, installed when missing (needs root or sudo):
#   LibreOffice Writer (headless .docx → PDF), Noto CJK fonts (Chinese in documents and charts),
#   poppler-utils (pdftotext, to read generated PDFs back in tests),
#   chromium and chromium-driver (the end-to-end tests drive the pages in headless Chromium).
# Set ZHIFA_SKIP_SYSTEM_PACKAGES=1 to skip (e.g. on a machine where an administrator installs them).
set -euo pipefail
[ "${ZHIFA_SKIP_SYSTEM_PACKAGES:-0}" = "1" ] && exit 0
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# grep reads fc-list's whole output (no -q): under pipefail an early exit would make fc-list fail.
fc-list :lang=zh 2>/dev/null | grep "Noto Sans CJK\|Noto Serif CJK" >/dev/null || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "缺少系统软件包：${missing[*]}（非 Debian 系统，请手动安装）" >&2
    exit 1
fi
echo "安装系统软件包：${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
