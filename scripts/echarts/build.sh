#!/bin/sh
# Build the tree-shaken ECharts into static/vendor/echarts/ (development time only; the
# output is committed, nothing is built or fetched at run time):
#   cd scripts/echarts && npm ci && sh build.sh
# esbuild bundles entry.js (only the modules it imports), terser minifies (two passes save
# ~4 % over esbuild's own minifier: it matters under the 200 KB page-weight rule).
set -eu
cd "$(dirname "$0")"
OUT=../../static/vendor/echarts
mkdir -p "$OUT"
npx esbuild entry.js --bundle --format=iife --target=es2019 --legal-comments=none \
  --define:process.env.NODE_ENV='"production"' --log-level=warning --outfile=build.tmp.js
VERSION=$(node -p 'require("echarts/package.json").version')
npx terser build.tmp.js --compress passes=2,pure_getters=true --mangle \
  --output build.min.js
{ echo "/*! Apache ECharts $VERSION, tree-shaken (bar chart, grid, SVG renderer). Apache-2.0: see LICENSE and NOTICE */"
  cat build.min.js; } > "$OUT/echarts.min.js"
rm build.tmp.js build.min.js
cp node_modules/echarts/LICENSE "$OUT/LICENSE"
cp node_modules/echarts/NOTICE "$OUT/NOTICE"
python3 - "$OUT/echarts.min.js" <<'PY'
import gzip, sys
data = open(sys.argv[1], "rb").read()
line = f"echarts.min.js: {len(data)} bytes, gzip -6 {len(gzip.compress(data, 6))}"
try:
    import brotli
    line += f", brotli {len(brotli.compress(data))}"
except ImportError:
    pass
print(line)
PY
