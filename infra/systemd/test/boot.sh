#!/usr/bin/env bash
# The bare-metal pool proven in a real boot (pnpm test:boot; root, Debian: debootstrap and
# systemd-nspawn, which `node scripts/bootstrap.mjs --infra` installs). It builds a minimal Debian
# root (cached under .jobq/boot/, one per day), installs into it the host's node, the worker's and
# the CLI's deploy folders, Redis and infra/systemd's units as the README's Deploy section does,
# enables jobq-worker@default, boots it with `systemd-nspawn -b --private-network` and proves:
#   1. after boot the enabled jobq-worker@default is active and takes a job (the CLI enqueues it
#      inside the machine and waits for it to complete);
#   2. a `kill -9` of its main process is followed by a restart: a new MainPID, active again;
#   3. after a poweroff and a new boot the pool is back by itself and takes a job.
# The host has no systemd as PID 1 (no machined), so the machine is not registered; commands run
# inside it through nsenter into its PID 1. Every wait has a deadline; the machine is stopped and
# the work root removed on any exit.
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo=$PWD

say() { printf '\033[36mboot proof:\033[0m %s\n' "$*"; }
fail() {
  printf '\033[31mboot proof: FAILED:\033[0m %s\n' "$*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail 'must run as root (debootstrap, systemd-nspawn, nsenter)'
for tool in debootstrap systemd-nspawn nsenter; do
  command -v "$tool" >/dev/null || fail "$tool is missing: node scripts/bootstrap.mjs --infra"
done
[ -f apps/worker/dist/main.js ] && [ -f apps/cli/dist/main.js ] || fail 'run pnpm build first'

started=$SECONDS
cache=$repo/.jobq/boot
base=$cache/base-$(date -u +%Y%m%d)
work=$(mktemp -d "$cache/run.XXXXXX" 2>/dev/null || { mkdir -p "$cache" && mktemp -d "$cache/run.XXXXXX"; })
root=$work/root
log=$work/console.log
nspawn_pid=
booted_at=$SECONDS

# The machine's PID 1 (systemd: systemd-nspawn's child); empty while it is not up.
init_pid() {
  [ -n "$nspawn_pid" ] && pgrep -P "$nspawn_pid" -x systemd || true
}
# Runs a command inside the machine (all of its namespaces, its root, its PATH).
inside() {
  local pid
  pid=$(init_pid)
  [ -n "$pid" ] || return 1
  nsenter -t "$pid" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
# Polls `$2...` until it succeeds, for at most $1 seconds.
within() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

boot() {
  booted_at=$SECONDS
  systemd-nspawn --quiet --register=no --keep-unit --private-network -M jobq-boot -D "$root" \
    --console=read-only -b >>"$log" 2>&1 </dev/null &
  nspawn_pid=$!
}
# Asks the machine to power off and waits for systemd-nspawn to exit (SIGKILL after $1 s).
poweroff() {
  [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null || return 0
  inside systemctl poweroff --no-block >/dev/null 2>&1 || kill -TERM "$nspawn_pid" 2>/dev/null || true
  if ! within "${1:-30}" bash -c "! kill -0 $nspawn_pid"; then
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  wait "$nspawn_pid" 2>/dev/null || true
  nspawn_pid=
}
cleanup() {
  local status=$?
  poweroff 20
  # systemd-nspawn unmounts what it mounted; anything left under the root goes now.
  grep -o " $root[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  if [ $status -ne 0 ] && [ -f "$log" ]; then
    echo '--- machine console (last 40 lines) ---' >&2
    tail -n 40 "$log" >&2
  fi
  rm -rf "$work"
  [ $status -eq 0 ] || echo "boot proof: machine stopped and removed after the failure above" >&2
}
trap cleanup EXIT

# 1. The Debian root: debootstrap once a day (about 1-2 min), then a copy per run.
if [ ! -d "$base" ]; then
  say "debootstrap bookworm into $base (cached for today)"
  rm -rf "$cache"/base-* "$base.partial"
  timeout 600 debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,redis-server,procps \
    bookworm "$base.partial" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; fail 'debootstrap failed'; }
  mv "$base.partial" "$base"
fi
cp -a "$base" "$root"

# 2. What the README's systemd deploy installs: node, the deploy folders, the jobq user, the env
#    files (Redis on the machine's own loopback, a pool of 2 processes) and the units, enabled.
say 'installing node, the worker and CLI deploy folders, the units'
install -m 755 "$(command -v node)" "$root/usr/bin/node"
node scripts/deploy-folder.mjs worker "$root/opt/jobq/worker" >"$work/deploy.log" 2>&1 ||
  { tail -n 20 "$work/deploy.log" >&2; fail 'deploy-folder worker failed'; }
node scripts/deploy-folder.mjs cli "$root/opt/jobq/cli" >>"$work/deploy.log" 2>&1 ||
  { tail -n 20 "$work/deploy.log" >&2; fail 'deploy-folder cli failed'; }
chroot "$root" useradd --system --no-create-home jobq
install -d "$root/etc/jobq"
printf 'REDIS_URL=redis://127.0.0.1:6379/0\nJOBQ_PREFIX=jobq\nJOBQ_GRACE_MS=5000\n' >"$root/etc/jobq/jobq.env"
printf 'JOBQ_PROCESSES=2\n' >"$root/etc/jobq/worker-default.env"
chmod 600 "$root/etc/jobq/"*.env
cp infra/systemd/*.service "$root/etc/systemd/system/"
systemctl --root="$root" enable redis-server.service 'jobq-worker@default.service' >/dev/null 2>&1 ||
  fail 'systemctl --root enable failed'

worker_active() { [ "$(inside systemctl is-active jobq-worker@default)" = active ]; }
main_pid() { inside systemctl show -p MainPID --value jobq-worker@default; }
# The CLI inside the machine enqueues a job and waits for its result (exit 0 = completed).
take_job() {
  inside timeout 30 node /opt/jobq/cli/dist/main.js --redis-url redis://127.0.0.1:6379/0 \
    enqueue demo.echo --data "\"$1\"" --wait
}

# 3. First boot: the enabled unit runs and takes a job.
say 'booting the machine (systemd-nspawn -b --private-network)'
boot
within 60 worker_active || fail "jobq-worker@default is not active 60 s after boot ($(inside systemctl is-active jobq-worker@default 2>&1))"
say "jobq-worker@default active $((SECONDS - booted_at)) s after boot (MainPID $(main_pid))"
take_job first-boot >"$work/job.log" 2>&1 || { cat "$work/job.log" >&2; fail 'the job enqueued after boot did not complete'; }
say 'a job enqueued inside the machine completed'

# 4. kill -9 of its main process: systemd restarts it (Restart=always, RestartSec=2).
before=$(main_pid)
[ "$before" -gt 0 ] || fail "no MainPID for jobq-worker@default ($before)"
inside kill -9 "$before"
restarted() { local now; now=$(main_pid) && [ "$now" -gt 0 ] && [ "$now" != "$before" ] && worker_active; }
within 30 restarted || fail "no restart within 30 s after kill -9 of MainPID $before"
restarts=$(inside systemctl show -p NRestarts --value jobq-worker@default)
[ "$restarts" -ge 1 ] || fail "NRestarts is $restarts after the kill"
say "kill -9 of MainPID $before: restarted as MainPID $(main_pid) (NRestarts=$restarts)"

# 5. Poweroff, then a new boot: the pool is back by itself.
poweroff 60
[ -z "$(init_pid)" ] || fail 'the machine did not stop'
say 'powered off; booting again'
boot
within 60 worker_active || fail 'jobq-worker@default is not back 60 s after the second boot'
take_job second-boot >"$work/job.log" 2>&1 || { cat "$work/job.log" >&2; fail 'the job after reboot did not complete'; }
say "after a new boot jobq-worker@default is active (MainPID $(main_pid)) and took a job"
say "passed in $((SECONDS - started)) s"
