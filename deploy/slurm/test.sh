#!/usr/bin/env bash
# Checks the Slurm recipe end to end on this one machine: starts a private munge daemon and a
# one-node Slurm cluster (slurmctld + slurmd, state and logs in a scratch folder, ports
# 16817/16818), submits a small sweep as an array of 4 shards with submit.sh, waits for the
# dependent merge job, and compares the merged folder with the same sweep run on one machine,
# byte for byte. Stops the daemons it started, and only those, on the way out.
#
# Usage:   deploy/slurm/test.sh     (as root; installs Debian's slurm-wlm and munge when
#                                    missing, unless NAVBAT_SKIP_SETUP=1)
# navbat:  $NAVBAT, else $CARGO_TARGET_DIR/debug/navbat (built if absent).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/deploy/slurm"
started=$(date +%s)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  if [ "${NAVBAT_SKIP_SETUP:-0}" = 1 ]; then
    echo "slurm test: slurm-wlm or munge is not installed and NAVBAT_SKIP_SETUP=1" >&2
    exit 1
  fi
  echo "== installing slurm-wlm munge"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q slurm-wlm munge >/dev/null
fi
if [ "$(id -u)" != 0 ]; then
  echo "slurm test: the daemons run as root here; run as root" >&2
  exit 1
fi
installed=$(date +%s)

navbat=${NAVBAT:-}
if [ -z "$navbat" ]; then
  target=${CARGO_TARGET_DIR:-$root/target}
  navbat="$target/debug/navbat"
  [ -x "$navbat" ] || (cd "$root" && cargo build -q -p navbat)
fi
export NAVBAT="$navbat"

work=$(mktemp -d /tmp/navbat-slurm.XXXXXX)
pids=()
stop() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}
fail() {
  echo "slurm test FAILED: $*" >&2
  for f in "$work"/log/* "$work"/jobs/*.out; do
    [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; } >&2
  done
  exit 1
}
trap 'stop; rm -rf "$work"' EXIT
mkdir -p "$work"/{munge,state,spool,log,jobs}
chmod 700 "$work/munge"
chmod 755 "$work"

# munge: a key of our own and a socket in the scratch folder, so a system munged is left alone.
dd if=/dev/urandom of="$work/munge/munge.key" bs=128 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --force --socket="$work/munge/sock" --key-file="$work/munge/munge.key" \
  --log-file="$work/log/munged.log" --pid-file="$work/munge/pid" --seed-file="$work/munge/seed" ||
  fail "munged does not start"
pids+=("$(cat "$work/munge/pid")")

host=$(hostname -s)
cat >"$work/slurm.conf" <<CONF
ClusterName=navbattest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=navbat Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "slurmctld does not start"
for _ in $(seq 50); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF" || fail "slurmd does not start"
for _ in $(seq 50); do [ -s "$work/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
  sleep 0.2
done
sinfo -h -o %t | grep -qE '^(idle|mix|alloc)' || fail "the node does not come up: $(sinfo 2>&1)"
cluster_up=$(date +%s)

# The sweep: the pilot for a week, 2 x 2 points with baselines, 2 replications each.
cat >"$work/sweep.ron" <<RON
Sweep(scenario: "$root/scenarios/pilot-2026.ron", replications: 2, seed: 11, baseline: true,
      axes: [(path: "sites.*.kiosks.k.count", values: [1, 2]),
             (path: "sites.urgut.counters.general.count", values: [3, 4]),
             (path: "horizon.end", values: ["2026-05-08"])])
RON
ids=$("$here/submit.sh" 4 "$work/sweep.ron" "$work/shards" "$work/merged" \
  --chdir="$work/jobs" --cpus-per-task=1) || fail "submit.sh"
array=${ids% *}
merge=${ids#* }
echo "== slurm: array job $array (4 shards), merge job $merge"
state=""
for _ in $(seq 600); do
  state=$(scontrol show job -o "$merge" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  reason=$(scontrol show job -o "$merge" | grep -o 'Reason=[A-Za-z_]*' | cut -d= -f2)
  case "$state" in
    COMPLETED) break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) fail "merge job $state" ;;
  esac
  [ "$reason" = DependencyNeverSatisfied ] && fail "a shard failed, so the merge never ran"
  sleep 0.5
done
[ "$state" = COMPLETED ] || fail "merge job still $state after 5 minutes"
submitted_done=$(date +%s)

# The same sweep on one machine, and the comparison.
"$NAVBAT" sweep "$work/sweep.ron" --out "$work/single" >/dev/null 2>"$work/log/single.err" ||
  fail "the single-machine sweep"
diff -r "$work/single" "$work/merged" || fail "the merged folder differs from the single run"
[ "$(ls "$work/shards" | wc -l)" = 4 ] || fail "expected 4 shard folders"
end=$(date +%s)
echo "slurm test: 4 shards merged, byte for byte the single-machine sweep;" \
  "install $((installed - started)) s, cluster up $((cluster_up - installed)) s," \
  "array + merge $((submitted_done - cluster_up)) s, single run + compare" \
  "$((end - submitted_done)) s, total without install $((end - installed)) s"
