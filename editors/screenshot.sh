#!/usr/bin/env bash
# Takes docs/images/editor.png: VS Code (code-server 4.100.3, i.e. VS Code 1.100.3 in a
# browser) with the extension in editors/vscode/ and the real `whereas lsp`, on the
# shipped contracts/openai_microsoft.contract.
#
#   top:    the shipped contract at its checks; the "verify" lenses of the first three
#           checks have been clicked and read "HOLDS · ... · verify again"
#   bottom: a copy of it with one name misspelt (OtherCloud -> OtherCloude) and the
#           mouse on the word: the diagnostic's hover, with "did you mean `OtherCloud`?"
#
# Usage:  bash editors/screenshot.sh [OUT.png]         (default docs/images/editor.png)
#
# What it needs (nothing is added to the project or to its .venv):
#   - the project's .venv with the lsp extra:  .venv/bin/pip install -e '.[lsp]'
#   - Node 20 and npm (code-server 4.100.3 insists on Node 20), and the npm registry
#   - Debian packages: chromium ripgrep build-essential python3-venv libkrb5-dev
#     libx11-dev libxkbfile-dev libsecret-1-dev   (the last four to build code-server's
#     native modules); apt-get install them first
#   - PyPI, for Playwright in a separate venv under $WORK (it drives /usr/bin/chromium;
#     no browser is downloaded)
#
# What it does, all under $WORK (default /tmp/whereas-screenshot; kept between runs,
# so a second run skips the installs):
#   1. installs code-server from the npm registry by hand, because its own postinstall
#      downloads ripgrep from outside the registries: the native modules are built with
#      `npm rebuild`, and @vscode/ripgrep gets Debian's /usr/bin/rg instead
#   2. builds the extension's .vsix from a copy of editors/vscode/ (npm ci && npm run
#      package) and installs it into a fresh code-server profile, with the setting
#      whereas.server.command = [<repo>/.venv/bin/whereas, lsp]
#   3. starts code-server on 127.0.0.1:$PORT (no auth) on a workspace folder holding a
#      copy of the contract and the misspelt copy, drives it with Playwright, saves the
#      PNG, and stops code-server (and with it the extension host and the server)
# It fails, and writes no PNG, unless the lenses read HOLDS and the hover says "did you
# mean". code-server's log is left in $WORK/code-server.log, the extension host's (and
# so the extension's activation) in $WORK/profile/logs/*/exthost1/remoteexthost.log.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$REPO/docs/images/editor.png}")
WORK=${WORK:-/tmp/whereas-screenshot}
PORT=${PORT:-8737}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CS_VERSION=4.100.3
CS="$WORK/code-server-$CS_VERSION"
# code-server keeps logs in $XDG_DATA_HOME/code-server and a config in $XDG_CONFIG_HOME
code_server() { XDG_DATA_HOME="$WORK/xdg" XDG_CONFIG_HOME="$WORK/xdg" node "$CS/out/node/entry.js" --config "$WORK/config.yaml" "$@"; }

[ -x "$REPO/.venv/bin/whereas" ] || { echo "no $REPO/.venv/bin/whereas (see the top of this file)" >&2; exit 2; }
"$REPO/.venv/bin/python" -c 'import pygls' 2>/dev/null || { echo "pygls missing: .venv/bin/pip install -e '.[lsp]'" >&2; exit 2; }
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] || { echo "code-server $CS_VERSION needs Node 20" >&2; exit 2; }
[ -x "$CHROMIUM" ] && command -v rg >/dev/null || { echo "apt-get install chromium ripgrep (see the top of this file)" >&2; exit 2; }
mkdir -p "$WORK"

# 1. code-server
if [ ! -e "$CS/.installed" ]; then
  rm -rf "$CS" && mkdir -p "$CS"
  (cd "$WORK" && npm pack -q "code-server@$CS_VERSION" >/dev/null)
  tar xzf "$WORK/code-server-$CS_VERSION.tgz" -C "$CS" --strip-components=1
  (cd "$CS" && npm install -q --omit=dev --ignore-scripts && npm rebuild -q argon2)
  (
    cd "$CS/lib/vscode"
    npm install -q --omit=dev --ignore-scripts
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    : > node_modules/@vscode/ripgrep/lib/postinstall.js      # it would download rg
    npm_config_yes=true npm rebuild -q                        # node-pty runs npx node-gyp
    # what code-server's postinstall.sh does after its npm install
    ln -sfn node_modules node_modules.asar
    ln -sf code-linux.sh bin/remote-cli/code-server
    ln -sf browser-linux.sh bin/helpers/browser.sh
    cd extensions && npm install -q --omit=dev
  )
  touch "$CS/.installed"
fi

# Playwright, in its own venv
if [ ! -x "$WORK/pw/bin/python" ] || ! "$WORK/pw/bin/python" -c 'import playwright' 2>/dev/null; then
  python3 -m venv "$WORK/pw" && "$WORK/pw/bin/pip" install -q playwright
fi

# 2. the extension, built from the work tree, and a fresh profile
rm -rf "$WORK/ext" "$WORK/profile" "$WORK/exts" "$WORK/ws"
mkdir -p "$WORK/ext" "$WORK/profile/User" "$WORK/exts" "$WORK/ws"
tar -C "$REPO/editors/vscode" --exclude=node_modules --exclude='*.vsix' -cf - . | tar -C "$WORK/ext" -xf -
(cd "$WORK/ext" && npm ci -q && npm run -s package >/dev/null)
VSIX=$(ls "$WORK"/ext/whereas-*.vsix)
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$WORK/config.yaml"
code_server --user-data-dir "$WORK/profile" --extensions-dir "$WORK/exts" --install-extension "$VSIX" >/dev/null
cat > "$WORK/profile/User/settings.json" <<EOF
{
  "whereas.server.command": ["$REPO/.venv/bin/whereas", "lsp"],
  "workbench.colorTheme": "Default Dark Modern",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "editor.minimap.enabled": false,
  "editor.fontSize": 14
}
EOF
cp "$REPO/contracts/openai_microsoft.contract" "$WORK/ws/"
sed 's/(from: OtherCloud)/(from: OtherCloude)/' "$REPO/contracts/openai_microsoft.contract" \
  > "$WORK/ws/openai_microsoft_typo.contract"
grep -q OtherCloude "$WORK/ws/openai_microsoft_typo.contract"

# 3. code-server, driven by Playwright
XDG_DATA_HOME="$WORK/xdg" XDG_CONFIG_HOME="$WORK/xdg" setsid node "$CS/out/node/entry.js" \
  --config "$WORK/config.yaml" --user-data-dir "$WORK/profile" \
  --extensions-dir "$WORK/exts" --disable-telemetry --disable-update-check \
  --disable-workspace-trust "$WORK/ws" > "$WORK/code-server.log" 2>&1 &
CS_PID=$!
trap 'kill -- -$CS_PID 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.5
done

mkdir -p "$(dirname "$OUT")"
"$WORK/pw/bin/python" - "http://127.0.0.1:$PORT/?folder=$WORK/ws" "$OUT.tmp.png" "$CHROMIUM" <<'EOF'
import re, sys, time
from playwright.sync_api import sync_playwright

URL, OUT, CHROMIUM = sys.argv[1:4]

def command(pg, title):                      # the command palette
    pg.keyboard.press("F1"); time.sleep(0.8)
    pg.keyboard.type(title); time.sleep(0.8)
    pg.keyboard.press("Enter"); time.sleep(1)

def open_file(pg, name):                     # quick open
    pg.keyboard.press("Control+P"); time.sleep(0.8)
    pg.keyboard.type(name); time.sleep(1)
    pg.keyboard.press("Enter"); time.sleep(2)

def go_to_line(pg, line):
    pg.keyboard.press("Control+G"); time.sleep(0.5)
    pg.keyboard.type(str(line)); pg.keyboard.press("Enter"); time.sleep(0.7)

VERDICT = ("HOLDS", "FAILS", "UNKNOWN")
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.goto(URL)
    pg.wait_for_selector(".monaco-workbench", timeout=60000)
    time.sleep(4)
    command(pg, "View: Close Primary Side Bar")
    open_file(pg, "openai_microsoft.contract")
    command(pg, "View: New Editor Group Below")
    open_file(pg, "openai_microsoft_typo.contract")
    go_to_line(pg, 61)
    go_to_line(pg, 68)
    command(pg, "View: Focus Above Editor Group")
    go_to_line(pg, 72)
    go_to_line(pg, 63)
    pg.wait_for_selector(".codelens-decoration", timeout=30000, state="attached")
    top = pg.locator(".editor-group-container").first
    for n in range(3):                       # click the first three visible "verify"
        top.locator(".codelens-decoration a", has_text=re.compile(r"^verify$")).filter(visible=True).first.click()
        for _ in range(60):
            time.sleep(0.5)
            lenses = top.locator(".codelens-decoration").filter(visible=True).all_inner_texts()
            if sum(any(v in t for v in VERDICT) for t in lenses) > n:
                break
    print("lenses:", [t.replace("\n", " ") for t in lenses])
    assert sum("HOLDS" in t for t in lenses) == 3, lenses
    command(pg, "Notifications: Clear All Notifications")
    bottom = pg.locator(".editor-group-container").nth(1)
    box = bottom.locator(".squiggly-error").first.bounding_box()
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    time.sleep(3)
    hover = " ".join(pg.locator(".monaco-hover").filter(visible=True).all_inner_texts())
    print("hover:", hover.replace("\n", " | "))
    assert "did you mean `OtherCloud`?" in hover, hover
    pg.screenshot(path=OUT)
    browser.close()
EOF
mv "$OUT.tmp.png" "$OUT"
echo "wrote $OUT"
