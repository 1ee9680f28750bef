#!/usr/bin/env bash
# Stops the radosgw test cluster that scripts/s3-server/start.sh started and deletes its state dir.
# Only the PIDs start.sh recorded are signalled, and only while their command line still names this
# state dir's ceph.conf. The dir is deleted only if it carries start.sh's marker file.
# Idempotent: nothing to stop is success.
#
# Environment: S3_STATE_DIR (default ${TMPDIR:-/tmp}/oss-presign-radosgw); S3_KEEP_STATE=1 keeps the
# dir (its log/ holds the daemons' logs).
set -uo pipefail

STATE=${S3_STATE_DIR:-${TMPDIR:-/tmp}/oss-presign-radosgw}
CONF=$STATE/ceph.conf
say() { echo "[s3-server/stop] $*" >&2; }

if [ ! -d "$STATE" ]; then
  say "nothing to stop: $STATE does not exist"
  exit 0
fi

# radosgw first, the mon last: the others hang around waiting for a mon that is gone.
for name in rgw osd mon; do
  pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null) || continue
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CONF" || continue
  kill -TERM "$pid" 2>/dev/null || continue
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) ignored TERM for 10 s: KILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  say "stopped $name (pid $pid)"
done

if [ ! -f "$STATE/.oss-presign-radosgw" ]; then
  say "$STATE has no .oss-presign-radosgw marker: leaving it in place"
elif [ "${S3_KEEP_STATE:-}" = 1 ]; then
  say "state kept in $STATE"
else
  rm -rf -- "$STATE"
fi
