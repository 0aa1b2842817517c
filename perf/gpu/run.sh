#!/usr/bin/env bash
# The GPU benchmark kit's host side: `cnngpu bench` next to PyTorch/torchvision on the same networks and batches,
# combined into <out>/<date>-<gpu-slug>.json and .md (perf/gpu/README.md). Needs no .NET and no network access:
# it unpacks the self-contained bundle that perf/gpu/bundle.sh wrote to .gpu/app.tar.xz.
#
#   perf/gpu/run.sh --out "$OUT"                                     # GPU host: cuda, 5 networks x batch 1,32,256
#   perf/gpu/run.sh --backend ilgpu-cpu --torch-device cpu --input 32 --batches 1,2 \
#       --tag ilgpu-cpu-kit-proof                                    # proof here: the whole path, tiny inputs
#
# Phases, each bounded (`timeout` per command, deadlines from the start; whatever fails or is skipped is listed
# under "failures" and the rest goes on): unpack, nvidia-smi, `cnngpu devices`, torch_bench.py (fp32 then tf32),
# one `cnngpu bench --json` process per (network, batch), an optional `--profile` run, then combine.py.
# Raw outputs go to <out>/<date>-<slug>-raw/; `python3 perf/gpu/combine.py <that folder>` rebuilds the tables.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

out=$root/perf/results
backend=cuda
networks=resnet50,resnet18,vgg16,googlenet,se-resnet50
cnngpu_networks=    # default: --networks
batches=1,32,256
input=
torch_device=
python=${PYTHON:-}      # default: the first of python3, /usr/bin/python3 that imports torch and torchvision
bundle=$root/.gpu/app.tar.xz
app=
tag=
date=$(date -u +%F)
budget=420          # seconds for the whole run, unpacking included
torch_budget=130    # seconds for torch_bench.py (it stops itself, then the rest goes to cnngpu)
profile_reserve=50  # seconds kept back for the --profile run (0: no profile run)
profile_net=
profile_batch=
cnngpu_timeout=120  # most seconds for one `cnngpu bench` process (one network, one batch)
cnngpu_warmup=3
cnngpu_iterations=20
cnngpu_min_seconds=1
torch_warmup=3
torch_iterations=30
torch_min_seconds=1
torch_modes=fp32,tf32
torch_threads=0

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF

options (defaults in brackets):
  --out DIR                results folder [perf/results]
  --backend NAME           cnngpu backend: cuda, cuda:N, ilgpu-cpu, cpu ... [$backend]
  --networks A,B,...       [$networks]
  --cnngpu-networks A,... the networks cnngpu runs, when fewer than --networks (the rest are listed as skipped) [--networks]
  --batches N,N,...        [$batches]
  --input N                square input side for both engines [each network's own, 224]
  --torch-device DEV       cuda, cuda:N or cpu [cuda for a cuda backend, else cpu]
  --python PATH            interpreter with torch and torchvision [\$PYTHON, else the first of python3 and
                           /usr/bin/python3 that imports both]
  --bundle FILE            the bundle to unpack [.gpu/app.tar.xz]
  --app PATH               run this cnngpu executable instead of unpacking a bundle
  --tag NAME               file name after the date [the GPU's name as a slug]
  --date YYYY-MM-DD        [today, UTC]
  --budget S               the whole run [$budget]
  --torch-budget S         torch_bench.py's deadline [$torch_budget]
  --profile-reserve S      kept for \`cnngpu bench <first network> --profile\` at the largest batch; 0: none [$profile_reserve]
  --profile-network NAME / --profile-batch N   what the profile run measures [first network / largest batch]
  --cnngpu-timeout S       one cnngpu bench process [$cnngpu_timeout]
  --cnngpu-warmup N / --cnngpu-iterations N / --cnngpu-min-seconds S   [$cnngpu_warmup / $cnngpu_iterations / $cnngpu_min_seconds]
  --torch-warmup N / --torch-iterations N / --torch-min-seconds S      [$torch_warmup / $torch_iterations / $torch_min_seconds]
  --torch-modes fp32,tf32  [$torch_modes]
  --torch-threads N        torch CPU threads, 0 = torch's default [$torch_threads]
EOF
}

while (($#)); do
  opt=$1
  if [[ $opt == -h || $opt == --help ]]; then usage; exit 0; fi
  (($# >= 2)) || { echo "run.sh: $opt needs a value (--help)" >&2; exit 2; }
  val=$2; shift 2
  case $opt in
    --out) out=$val ;;
    --backend) backend=$val ;;
    --networks) networks=$val ;;
    --cnngpu-networks) cnngpu_networks=$val ;;
    --batches) batches=$val ;;
    --input) input=$val ;;
    --torch-device) torch_device=$val ;;
    --python) python=$val ;;
    --bundle) bundle=$val ;;
    --app) app=$val ;;
    --tag) tag=$val ;;
    --date) date=$val ;;
    --budget) budget=$val ;;
    --torch-budget) torch_budget=$val ;;
    --profile-reserve) profile_reserve=$val ;;
    --profile-network) profile_net=$val ;;
    --profile-batch) profile_batch=$val ;;
    --cnngpu-timeout) cnngpu_timeout=$val ;;
    --cnngpu-warmup) cnngpu_warmup=$val ;;
    --cnngpu-iterations) cnngpu_iterations=$val ;;
    --cnngpu-min-seconds) cnngpu_min_seconds=$val ;;
    --torch-warmup) torch_warmup=$val ;;
    --torch-iterations) torch_iterations=$val ;;
    --torch-min-seconds) torch_min_seconds=$val ;;
    --torch-modes) torch_modes=$val ;;
    --torch-threads) torch_threads=$val ;;
    *) echo "run.sh: unknown option $opt (--help)" >&2; exit 2 ;;
  esac
done

start=$SECONDS
if [[ -z $python ]]; then
  python=python3
  for p in python3 /usr/bin/python3; do
    if timeout 60 "$p" -c 'import torch, torchvision' >/dev/null 2>&1; then python=$p; break; fi
  done
fi
left() { echo $((budget - (SECONDS - start))); }
IFS=, read -r -a nets <<<"$networks"
IFS=, read -r -a cnets <<<"${cnngpu_networks:-$networks}"
IFS=, read -r -a bats <<<"$batches"
if [[ -z $torch_device ]]; then
  if [[ $backend == cuda* ]]; then torch_device=$backend; else torch_device=cpu; fi
fi
[[ -n $profile_net ]] || profile_net=${nets[0]}
if [[ -z $profile_batch ]]; then
  profile_batch=${bats[0]}
  for b in "${bats[@]}"; do ((b > profile_batch)) && profile_batch=$b; done
fi

# The GPU (the first one nvidia-smi lists) names the results, unless --tag does.
gpu="none"; driver="none"
if command -v nvidia-smi >/dev/null 2>&1; then
  line=$(timeout 30 nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -n 1)
  if [[ -n $line ]]; then gpu=$(echo "${line%,*}" | xargs); driver=$(echo "${line##*,}" | xargs); fi
fi
if [[ $backend != cuda* ]]; then
  # No GPU in the measurement: say what ran instead of the (absent or idle) GPU.
  gpu="cpu ($backend backend; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs), $(nproc) cores)"
fi
if [[ -z $tag ]]; then
  tag=$(echo "$gpu" | tr '[:upper:]' '[:lower:]' | sed -E 's/^nvidia //; s/[^a-z0-9]+/-/g; s/^-+|-+$//g')
  [[ -n $tag ]] || tag=unknown
fi

mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)
raw=$out/$date-$tag-raw
rm -rf "$raw" && mkdir -p "$raw" || exit 1
log=$raw/run.log
say() { echo "[$(date -u +%T) +$((SECONDS - start))s] $*" | tee -a "$log" >&2; }
failures=$raw/failures.jsonl
: >"$failures"
fail() { # engine network batch message
  "$python" -c 'import json,sys; print(json.dumps({"engine":sys.argv[1],"network":sys.argv[2],"batch":int(sys.argv[3]) if sys.argv[3].isdigit() else None,"error":sys.argv[4]}))' "$@" >>"$failures"
  say "FAILED $1 $2 batch $3: $4"
}

say "gpu: $gpu, driver: $driver; backend $backend, torch on $torch_device ($python); networks $networks; batches $batches; input ${input:-own}; budget ${budget}s"
if command -v nvidia-smi >/dev/null 2>&1; then timeout 30 nvidia-smi >"$raw/nvidia-smi.txt" 2>&1; fi

# The app: the bundle unpacked to a temporary folder (removed on exit), or --app.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
commit=unknown
if [[ -z $app ]]; then
  [[ -f $bundle ]] || { say "no bundle at $bundle: run perf/gpu/bundle.sh first, and carry .gpu to the host"; exit 1; }
  timeout 120 tar -xJf "$bundle" -C "$tmp" || { say "unpacking $bundle failed"; exit 1; }
  app=$tmp/cnngpu
  [[ -f $(dirname "$bundle")/app.commit ]] && commit=$(cat "$(dirname "$bundle")/app.commit")
  say "unpacked $bundle ($(du -sh "$tmp" | cut -f1)), built from $commit"
fi
[[ -x $app ]] || { say "no cnngpu executable at $app"; exit 1; }

# ILGPU loads libcuda.so; some hosts have only libcuda.so.1 on the loader path: give it the plain name.
if [[ $backend == cuda* ]] && ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then
  so1=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 / {print $NF; exit}')
  for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64; do [[ -z $so1 && -e $d/libcuda.so.1 ]] && so1=$d/libcuda.so.1; done
  if [[ -n $so1 ]]; then
    mkdir -p "$tmp/lib" && ln -sf "$so1" "$tmp/lib/libcuda.so"
    export LD_LIBRARY_PATH=$tmp/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    say "libcuda.so: linked to $so1"
  else
    say "warning: no libcuda.so.1 found; cnngpu will list no CUDA device"
  fi
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

timeout 60 "$app" devices >"$raw/devices.txt" 2>&1 || say "cnngpu devices failed (exit $?); see devices.txt"
cat "$raw/devices.txt" >>"$log"

# What ran, for combine.py (values through the environment: a GPU name may hold any character).
GPU=$gpu DRIVER=$driver DATE=$date TAG=$tag BACKEND=$backend TORCH_DEVICE=$torch_device INPUT=${input:-224} \
NETWORKS=$networks BATCHES=$batches COMMIT=$commit BUDGET=$budget \
CNNGPU_RUNS="$cnngpu_warmup $cnngpu_iterations $cnngpu_min_seconds" TORCH_RUNS="$torch_warmup $torch_iterations $torch_min_seconds" \
TORCH_MODES=$torch_modes "$python" - "$raw/meta.json" <<'EOF'
import json, os, sys
e = os.environ
def runs(v):
    w, n, s = v.split()
    return {"warmup": int(w), "iterations": int(n), "minSeconds": float(s)}
json.dump({"gpu": e["GPU"], "driver": e["DRIVER"], "date": e["DATE"], "tag": e["TAG"], "backend": e["BACKEND"],
           "torchDevice": e["TORCH_DEVICE"], "input": int(e["INPUT"]), "networks": e["NETWORKS"].split(","),
           "batches": [int(b) for b in e["BATCHES"].split(",")], "bundleCommit": e["COMMIT"], "budgetSeconds": int(e["BUDGET"]),
           "cnngpu": runs(e["CNNGPU_RUNS"]), "torch": {**runs(e["TORCH_RUNS"]), "modes": e["TORCH_MODES"].split(",")}},
          open(sys.argv[1], "w"), indent=2)
EOF

# PyTorch: one process, its own deadline; it rewrites torch.json after every result.
tb=$((torch_budget < $(left) - 30 ? torch_budget : $(left) - 30))
if ((tb > 10)); then
  say "torch_bench.py on $torch_device (deadline ${tb}s)"
  timeout $((tb + 60)) "$python" "$here/torch_bench.py" --device "$torch_device" --networks "$networks" --batches "$batches" \
    --input "${input:-224}" --modes "$torch_modes" --warmup "$torch_warmup" --iterations "$torch_iterations" \
    --min-seconds "$torch_min_seconds" --deadline "$tb" --threads "$torch_threads" --out "$raw/torch.json" \
    2> >(tee "$raw/torch.err" >&2)
  rc=$?
  ((rc == 0)) || fail pytorch all all "torch_bench.py exit $rc (see torch.err)"
else
  fail pytorch all all "skipped: budget"
fi

# cnngpu: one process per (network, batch), so a crash or time-out loses one measurement only.
input_args=(); [[ -n $input ]] && input_args=(--input "$input")
for b in "${bats[@]}"; do
  for n in "${nets[@]}"; do
    if [[ " ${cnets[*]} " != *" $n "* ]]; then fail "cnngpu-$backend" "$n" "$b" "skipped: not in --cnngpu-networks"; continue; fi
    t=$(($(left) - profile_reserve))
    ((t > cnngpu_timeout)) && t=$cnngpu_timeout
    if ((t < 15)); then fail "cnngpu-$backend" "$n" "$b" "skipped: budget"; continue; fi
    f=$raw/cnngpu-$n-b$b
    say "cnngpu bench $n --batch $b (timeout ${t}s)"
    timeout -k 5 "$t" "$app" bench "$n" --backend "$backend" --batch "$b" "${input_args[@]}" --warmup "$cnngpu_warmup" \
      --iterations "$cnngpu_iterations" --min-seconds "$cnngpu_min_seconds" --json >"$f.json" 2>"$f.err"
    rc=$?
    if ((rc == 124 || rc == 137)); then fail "cnngpu-$backend" "$n" "$b" "timed out after ${t}s"
    elif ((rc != 0)); then fail "cnngpu-$backend" "$n" "$b" "exit $rc: $(grep -v warning "$f.err" | tail -n 1 | cut -c1-300)"
    else say "  $(grep -o '"medianMs": [0-9.e+-]*' "$f.json" | head -n 1)"; fi
  done
done

# Per-node times of one network at the largest batch (the conv layers' share of the device's peak).
if ((profile_reserve > 0)); then
  t=$(left); ((t > profile_reserve)) && t=$profile_reserve
  if ((t >= 15)); then
    f=$raw/profile-$profile_net-b$profile_batch
    say "cnngpu bench $profile_net --batch $profile_batch --profile (timeout ${t}s)"
    timeout -k 5 "$t" "$app" bench "$profile_net" --backend "$backend" --batch "$profile_batch" "${input_args[@]}" --warmup 1 \
      --iterations $((cnngpu_iterations < 3 ? cnngpu_iterations : 3)) --min-seconds 1 --profile --json >"$f.json" 2>"$f.err" \
      || fail "cnngpu-$backend-profile" "$profile_net" "$profile_batch" "exit $? (see $(basename "$f").err)"
    timeout 60 "$app" summary "$profile_net" "${input_args[@]}" --json >"$raw/summary-$profile_net.json" 2>"$raw/summary-$profile_net.err" \
      || say "cnngpu summary $profile_net failed (the profile table goes without per-layer GFLOP/s)"
  else
    fail "cnngpu-$backend-profile" "$profile_net" "$profile_batch" "skipped: budget"
  fi
fi

say "combining"
"$python" "$here/combine.py" "$raw" --out "$out" || { say "combine.py failed"; exit 1; }
say "done in $((SECONDS - start))s: $out/$date-$tag.json, .md"
