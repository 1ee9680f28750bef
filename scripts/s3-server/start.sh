#!/usr/bin/env bash
# Starts a local S3 endpoint that really checks AWS SigV4 signatures, for the integration tests.
#
# What runs: Ceph radosgw 16.2 from Debian 12's packages on a single-host, throw-away cluster
# (one ceph-mon, one ceph-osd keeping objects in RAM via memstore, radosgw with the beast frontend).
# The daemons talk to each other with auth "none" and listen on 127.0.0.1 only; everything they
# write lives under the state dir. No systemd, no disks.
#
# Idempotent: when this state dir's cluster is already up, it only creates any missing buckets and
# prints the env again. scripts/s3-server/stop.sh stops it and removes the state dir.
#
# Environment (all optional):
#   S3_STATE_DIR        default ${TMPDIR:-/tmp}/oss-presign-radosgw
#   S3_PORT             S3 port on 127.0.0.1, default 7480
#   S3_CEPH_PORT_BASE   mon listens on BASE and BASE+1, the osd on BASE+10..BASE+99; default 46800
#   S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION (radosgw accepts any region; us-east-1 is only what we print)
#   S3_BUCKETS          extra buckets, comma-separated; test-bucket is always created
#   S3_MEMSTORE_BYTES   RAM cap for stored objects, default 1 GiB
#   S3_NO_INSTALL=1     never apt-get install Ceph, fail instead
#
# Output: KEY=value lines on stdout (S3_ENDPOINT, S3_ACCESS_KEY, ...), also written to $S3_STATE_DIR/env.
# Progress goes to stderr.
set -euo pipefail

STATE=${S3_STATE_DIR:-${TMPDIR:-/tmp}/oss-presign-radosgw}
PORT=${S3_PORT:-7480}
BASE=${S3_CEPH_PORT_BASE:-46800}
MEMSTORE_BYTES=${S3_MEMSTORE_BYTES:-1073741824}
CONF=$STATE/ceph.conf
ENV_FILE=$STATE/env
MARKER=$STATE/.oss-presign-radosgw
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STARTED=$SECONDS

say() { echo "[s3-server/start] $*" >&2; }

# ---- Debian packages --------------------------------------------------------------------------
# ceph-mon pulls in ceph-base and ceph-common (ceph, monmaptool, ceph-authtool); radosgw brings radosgw-admin.
missing=()
for bin in radosgw ceph-mon ceph-osd curl; do command -v "$bin" >/dev/null || missing+=("$bin"); done
if ((${#missing[@]})); then
  if [ "${S3_NO_INSTALL:-}" = 1 ] || [ "$(id -u)" != 0 ]; then
    say "missing: ${missing[*]}. As root run: apt-get update && apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd curl"
    exit 1
  fi
  say "installing radosgw ceph-mon ceph-osd curl from apt (about 60 MB, 30 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd curl >&2
fi
for bin in ceph monmaptool ceph-authtool radosgw-admin timeout; do
  command -v "$bin" >/dev/null || { say "missing $bin after installing Ceph"; exit 1; }
done

# A PID file counts only while that process lives and its command line names our ceph.conf,
# so a recycled PID never makes us believe (or stop.sh kill) the wrong thing.
alive() {
  local pid
  pid=$(cat "$STATE/pids/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CONF"
}

# Buckets are created with header-signed SigV4 requests. curl's --aws-sigv4 only works against
# radosgw when x-amz-content-sha256 is set explicitly. 409 = it exists already (ours).
make_buckets() { # endpoint access-key secret region bucket...
  local ep=$1 ak=$2 sk=$3 region=$4 b code
  shift 4
  for b in "$@"; do
    code=$(curl -s -o "$STATE/log/bucket-$b.xml" -w '%{http_code}' --max-time 30 \
      --aws-sigv4 "aws:amz:$region:s3" -u "$ak:$sk" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$ep/$b") || true
    case $code in
      200 | 409) ;;
      *) say "creating bucket $b failed: HTTP $code $(cat "$STATE/log/bucket-$b.xml" 2>/dev/null)"; return 1 ;;
    esac
  done
}

# test-bucket first (it becomes S3_BUCKET), then S3_BUCKETS without duplicates.
BUCKETS=(test-bucket)
IFS=',' read -r -a extra <<<"${S3_BUCKETS:-}"
for b in "${extra[@]}"; do
  b=${b// /}
  [ -n "$b" ] && [[ " ${BUCKETS[*]} " != *" $b "* ]] && BUCKETS+=("$b")
done

# ---- already running? ------------------------------------------------------------------------
write_env() { # endpoint access-key secret region bucket...
  local ep=$1 ak=$2 sk=$3 region=$4
  shift 4
  cat >"$ENV_FILE" <<EOF
S3_ENDPOINT='$ep'
S3_ACCESS_KEY='$ak'
S3_SECRET_KEY='$sk'
S3_REGION='$region'
S3_BUCKET='$1'
S3_BUCKETS='$(IFS=,; echo "$*")'
S3_STATE_DIR='$STATE'
EOF
}

if [ -f "$ENV_FILE" ] && alive mon && alive osd && alive rgw; then
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  if curl -s -o /dev/null --max-time 3 "$S3_ENDPOINT/"; then
    say "already running ($STATE)"
    IFS=',' read -r -a have <<<"$S3_BUCKETS"
    for b in "${BUCKETS[@]}"; do [[ " ${have[*]} " == *" $b "* ]] || have+=("$b"); done
    make_buckets "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_REGION" "${have[@]}"
    write_env "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_REGION" "${have[@]}"
    cat "$ENV_FILE"
    exit 0
  fi
fi

AK=${S3_ACCESS_KEY:-AKIAOSSPRESIGNTEST01}
SK=${S3_SECRET_KEY:-ossPresignTestSecret/Key+0123456789abcdef}
REGION=${S3_REGION:-us-east-1}
ENDPOINT=http://127.0.0.1:$PORT
for v in "$AK" "$SK" "$REGION" "${BUCKETS[@]}"; do
  [[ $v != *"'"* ]] || { say "keys, region and bucket names must not contain a single quote"; exit 1; }
done

if [ -e "$STATE" ]; then
  if [ ! -f "$MARKER" ] && [ -n "$(ls -A "$STATE" 2>/dev/null)" ]; then
    say "$STATE is not empty and was not made by this script; set S3_STATE_DIR to another path"
    exit 1
  fi
  say "clearing stale state in $STATE"
  S3_STATE_DIR=$STATE bash "$HERE/stop.sh"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$PORT" "$BASE" "$((BASE + 1))"; do
  if port_in_use "$p"; then
    say "127.0.0.1:$p is in use; pick other ports with S3_PORT / S3_CEPH_PORT_BASE"
    exit 1
  fi
done

mkdir -p "$STATE"/{pids,run,log,mon,osd,rgw,crash}
touch "$MARKER"

fail() {
  say "FAILED: $*"
  local f
  for f in "$STATE"/log/*.out; do
    [ -s "$f" ] && { say "--- last lines of $f"; tail -n 20 "$f" >&2; }
  done
  S3_STATE_DIR=$STATE bash "$HERE/stop.sh" || true
  exit 1
}
trap 'fail "interrupted"' INT TERM

# ---- ceph.conf -------------------------------------------------------------------------------
FSID=$(cat /proc/sys/kernel/random/uuid)
MON_ADDR="[v2:127.0.0.1:$BASE,v1:127.0.0.1:$((BASE + 1))]"
cat >"$CONF" <<EOF
# Written by oss-presign scripts/s3-server/start.sh: a disposable test cluster. Not for real data.
[global]
fsid = $FSID
mon host = $MON_ADDR
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv4 = true
ms bind ipv6 = false
ms bind port min = $((BASE + 10))
ms bind port max = $((BASE + 99))
auth cluster required = none
auth service required = none
auth client required = none
keyring = $STATE/keyring
run dir = $STATE/run
admin socket = $STATE/run/\$cluster-\$name.asok
pid file = $STATE/run/\$cluster-\$name.pid
log file = $STATE/log/\$cluster-\$name.log
mon cluster log file = $STATE/log/\$cluster.log
crash dir = $STATE/crash
mon data = $STATE/mon/\$cluster-\$id
osd data = $STATE/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
# one OSD: pools of size 1, few PGs, no autoscaler, no health warnings about any of it
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon max pg per osd = 1000
# the state dir may sit on a nearly full tmpfs; the mon would otherwise refuse to work
mon data avail warn = 1
mon data avail crit = 1
debug ms = 0/0

[client.rgw.test]
# radosgw defaults to ms_mon_client_mode = secure, which cannot work with auth none: it would
# retry forever with "get_initial_auth_request returned -13".
ms mon client mode = crc
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $STATE/rgw
rgw thread pool size = 32
# virtual-hosted style requests arrive as Host: <bucket>.localhost:$PORT
rgw dns name = localhost
# Deleted objects stay in the RAM-backed store until garbage collection, which waits about 2 hours by default:
# collect them within a minute so a test run's deleted uploads do not fill memstore.
rgw gc obj min wait = 0
rgw gc processor period = 30
debug rgw = 1/1
EOF

daemon() { # name command...
  local name=$1
  shift
  # setsid: a Ctrl-C meant for whoever started us must not reach the daemons; stop.sh stops them.
  setsid "$@" >"$STATE/log/$name.out" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name.pid"
}
ceph_() { timeout 10 ceph -c "$CONF" "$@" 2>/dev/null; }
wait_for() { # tries description command...
  local tries=$1 what=$2
  shift 2
  for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.5; done
  fail "$what"
}
osd_up() { ceph_ osd stat -f json | grep -q '"num_up_osds":1'; }
rgw_answers() { alive rgw || fail "radosgw exited"; curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; }

# ---- mon, osd, radosgw -----------------------------------------------------------------------
ceph-authtool --create-keyring "$STATE/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "$MON_ADDR" "$STATE/monmap" >/dev/null
ceph-mon -c "$CONF" -i a --mkfs --monmap "$STATE/monmap" --keyring "$STATE/keyring" >"$STATE/log/mon-mkfs.out" 2>&1 ||
  fail "ceph-mon --mkfs"
daemon mon ceph-mon -c "$CONF" -i a -f
wait_for 60 "ceph-mon did not come up in 30 s" ceph_ mon stat >/dev/null
say "mon up after $((SECONDS - STARTED)) s"

OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
OSD_ID=$(ceph_ osd new "$OSD_UUID") || fail "ceph osd new"
mkdir -p "$STATE/osd/ceph-$OSD_ID"
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >"$STATE/log/osd-mkfs.out" 2>&1 || fail "ceph-osd --mkfs"
daemon osd ceph-osd -c "$CONF" -i "$OSD_ID" -f
wait_for 120 "ceph-osd was not up after 60 s" osd_up
say "osd up after $((SECONDS - STARTED)) s"

# radosgw creates its pools on first start: it takes about 10 s to answer.
daemon rgw radosgw -c "$CONF" -n client.rgw.test -f
wait_for 240 "radosgw did not answer on $ENDPOINT within 120 s" rgw_answers
say "radosgw up after $((SECONDS - STARTED)) s"

radosgw-admin -c "$CONF" user create --uid test --display-name "oss-presign tests" \
  --access-key "$AK" --secret-key "$SK" >"$STATE/log/user.json" 2>&1 || fail "radosgw-admin user create"

make_buckets "$ENDPOINT" "$AK" "$SK" "$REGION" "${BUCKETS[@]}" || fail "bucket creation"
write_env "$ENDPOINT" "$AK" "$SK" "$REGION" "${BUCKETS[@]}"
trap - INT TERM

say "ready after $((SECONDS - STARTED)) s: $(radosgw --version 2>/dev/null | awk '{print $1, $3}') on $ENDPOINT" \
  "(path style; virtual-hosted style as Host: <bucket>.localhost:$PORT)"
cat "$ENV_FILE"
