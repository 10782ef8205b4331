#!/usr/bin/env bash
# Re-vendor the pinned front-end assets into static/vendor/ from the npm registry.
#
#   bash scripts/vendor-assets.sh
#
# Needs only `npm`, `node` and `tar` on the machine running it; nothing is
# installed into the repo (no package.json, no node_modules). Every tarball is
# fetched with `npm pack` into a throw-away temp dir, checked against the pinned
# sha512 integrity below, extracted, and the few files we serve are copied into
# static/vendor/<name>/. The four vendor subfolders are rebuilt from scratch on
# every run, so running it twice gives byte-identical output (idempotent).
# static/vendor/VERSIONS.md is hand-maintained and is not touched: update it
# together with the pins below when bumping a version.
set -euo pipefail

# --- pins (package@version  sha512 integrity as published on the registry) -----
TABLER_CORE_VERSION=1.6.1
TABLER_CORE_INTEGRITY='sha512-lgmR9gcxRp5JlLxcmRi9Rz85JrEvH6Bz71KnlcPVSa97wtwQNjgSs3g3fxwbAlulHyRMghhIV04QUuW3pqDsIg=='
TABLER_ICONS_VERSION=3.49.0
TABLER_ICONS_INTEGRITY='sha512-kWgnmEzo17dzQyMqRmlfj+TiGV0clLMYfUtKp2WG7M+TH5418o6fsoaSlrOTK3lwESg0xS7jVfOozYrR02Ryxw=='
HTMX_VERSION=2.0.11
HTMX_INTEGRITY='sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=='
ECHARTS_VERSION=6.1.0
ECHARTS_INTEGRITY='sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=='
# -------------------------------------------------------------------------------

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/static/vendor"

for tool in npm node tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "vendor-assets: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/stage"
mkdir -p "$STAGE"

# fetch SPEC INTEGRITY DIRNAME -> extracts the tarball into $WORK/DIRNAME/package
fetch() {
  local spec="$1" integrity="$2" name="$3" tgz actual
  tgz="$(cd "$WORK" && npm pack --silent --ignore-scripts "$spec" | tail -n 1)"
  actual="$(node -e '
    const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
  ' "$WORK/$tgz")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "vendor-assets: integrity mismatch for $spec" >&2
    echo "  expected $integrity" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  mkdir -p "$WORK/$name"
  tar -xzf "$WORK/$tgz" -C "$WORK/$name"
  echo "fetched $spec ($tgz)"
}

# node_edit FILE JS-EXPR: rewrite FILE with the result of JS-EXPR applied to `s`.
node_edit() {
  node -e '
    const fs = require("fs"), f = process.argv[1];
    let s = fs.readFileSync(f, "utf8");
    const out = (new Function("s", "return (" + process.argv[2] + ");"))(s);
    fs.writeFileSync(f, out);
  ' "$1" "$2"
}

# strip_sourcemap FILE: drop the trailing sourceMappingURL comment (we do not ship
# the .map files; the dangling reference would 404 in devtools and makes a
# Manifest static storage fail collectstatic).
strip_sourcemap() {
  node_edit "$1" 's.replace(/\n?(\/\*# sourceMappingURL=[^*]*\*\/|\/\/# sourceMappingURL=\S*)\s*$/, "\n")'
  if grep -q 'sourceMappingURL' "$1"; then
    echo "vendor-assets: sourceMappingURL still present in $1" >&2; exit 1
  fi
}

fetch "@tabler/core@$TABLER_CORE_VERSION" "$TABLER_CORE_INTEGRITY" tabler
fetch "@tabler/icons-webfont@$TABLER_ICONS_VERSION" "$TABLER_ICONS_INTEGRITY" tabler-icons
fetch "htmx.org@$HTMX_VERSION" "$HTMX_INTEGRITY" htmx
fetch "echarts@$ECHARTS_VERSION" "$ECHARTS_INTEGRITY" echarts

# --- Tabler core -------------------------------------------------------------------
src="$WORK/tabler/package"; dst="$STAGE/tabler"; mkdir -p "$dst"
cp "$src/dist/css/tabler.min.css" "$src/dist/js/tabler.min.js" "$dst/"
strip_sourcemap "$dst/tabler.min.css"
strip_sourcemap "$dst/tabler.min.js"
# Every url(...) in tabler.min.css must be an inline data: URI (no font/image files
# to copy, no remote @import). Fail loudly if a future version changes that.
node -e '
  const s = require("fs").readFileSync(process.argv[1], "utf8");
  const bad = [...s.matchAll(/url\(\s*["'\'']?([^"'\'')\s]*)/g)].map(m => m[1]).filter(u => !u.startsWith("data:"));
  const imp = s.match(/@import[^;]*;/g) || [];
  if (bad.length || imp.length) {
    console.error("vendor-assets: tabler.min.css now references external files; vendor them too:", bad, imp);
    process.exit(1);
  }
' "$dst/tabler.min.css"
# @tabler/core does not ship a LICENSE file in its npm tarball (package.json says
# "MIT"; the dist headers point to github.com/tabler/tabler/blob/master/LICENSE).
# This is that upstream file's text.
cat >"$dst/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (c) 2018-2026 The Tabler Authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
EOF

# --- Tabler icons webfont (woff2 only) -----------------------------------------------
src="$WORK/tabler-icons/package"; dst="$STAGE/tabler-icons"; mkdir -p "$dst/fonts"
cp "$src/dist/tabler-icons.min.css" "$dst/"
cp "$src/dist/fonts/tabler-icons.woff2" "$dst/fonts/"
cp "$src/LICENSE" "$dst/"
# Keep only the woff2 source in @font-face (drop the woff/ttf fallbacks we don't ship).
node_edit "$dst/tabler-icons.min.css" '(() => {
  const re = /(src:url\("\.\/fonts\/tabler-icons\.woff2[^"]*"\) format\("woff2"\))(?:,url\("[^"]*"\) format\("[^"]*"\))+/g;
  const n = (s.match(re) || []).length;
  if (n !== 1) throw new Error("expected exactly one tabler-icons @font-face src, found " + n);
  return s.replace(re, "$1");
})()'
strip_sourcemap "$dst/tabler-icons.min.css"
# Every url(...) left must resolve to a file we copied.
node -e '
  const fs = require("fs"), path = require("path"), f = process.argv[1];
  const s = fs.readFileSync(f, "utf8");
  const urls = [...s.matchAll(/url\(\s*["'\'']?([^"'\'')\s]*)/g)].map(m => m[1]).filter(u => !u.startsWith("data:"));
  if (!urls.length) { console.error("no font url() found in " + f); process.exit(1); }
  for (const u of urls) {
    const p = path.resolve(path.dirname(f), u.split(/[?#]/)[0]);
    if (!fs.existsSync(p)) { console.error("missing file for url(" + u + ") in " + f); process.exit(1); }
  }
' "$dst/tabler-icons.min.css"

# --- htmx ---------------------------------------------------------------------------
src="$WORK/htmx/package"; dst="$STAGE/htmx"; mkdir -p "$dst"
cp "$src/dist/htmx.min.js" "$src/LICENSE" "$dst/"

# --- Apache ECharts -----------------------------------------------------------------
# Apache-2.0: ship LICENSE + NOTICE; LICENSE points at licenses/LICENSE-d3 for the
# d3 code bundled into dist/, so that goes along too.
src="$WORK/echarts/package"; dst="$STAGE/echarts"; mkdir -p "$dst/licenses"
cp "$src/dist/echarts.min.js" "$src/LICENSE" "$src/NOTICE" "$dst/"
cp "$src/licenses/LICENSE-d3" "$dst/licenses/"

# --- swap staged folders into place ---------------------------------------------------
mkdir -p "$VENDOR_DIR"
for name in tabler tabler-icons htmx echarts; do
  chmod -R u=rwX,go=rX "$STAGE/$name"
  rm -rf "${VENDOR_DIR:?}/$name"
  cp -R "$STAGE/$name" "$VENDOR_DIR/$name"
done

echo "vendored into $VENDOR_DIR:"
(cd "$VENDOR_DIR" && find tabler tabler-icons htmx echarts -type f | LC_ALL=C sort | while read -r f; do
  printf '  %10s  %s\n' "$(wc -c <"$f" | tr -d ' ')" "$f"
done)
