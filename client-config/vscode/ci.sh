#!/usr/bin/env bash
# Build, test and package the VS Code extension. Called from .ci/run; exits non-zero on failure.
# The server tests use $BLITZLS_PYTHON (default: ../../.venv/bin/python, with blitzls installed).
set -euo pipefail
cd "$(dirname "$0")"

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

npm ci --no-progress
npm run build
npm test
vsix="blitzls-$(node -p 'require("./package.json").version').vsix"
npx --no-install vsce package --allow-missing-repository --out "$vsix"

# The package must hold the compiled extension and its runtime dependency.
python3 - "$vsix" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = ["extension/package.json", "extension/out/extension.js", "extension/LICENSE.txt",
          "extension/node_modules/vscode-languageclient/node.js"]
missing = [n for n in needed if n not in names]
if missing:
    sys.exit(f"{sys.argv[1]} lacks {missing}")
print(f"{sys.argv[1]}: {len(names)} files, ok")
PY
