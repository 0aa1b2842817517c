#!/usr/bin/env bash
# Prepares the ONNX models and runs CnnGpu's cpu backend side by side with ONNX Runtime.
#
#   perf/run-side-by-side.sh                          # every network, batches 1 and 8, results in perf/results
#   perf/run-side-by-side.sh --batches 1 --rounds 5   # options after the script's own go to the runner
#   NETS="resnet18 resnet50" perf/run-side-by-side.sh # a subset (names as below; se-resnet50 is zoo-only)
#   perf/run-side-by-side.sh --distinct               # also torchvision exports with distinct constants
#
# Models go to perf/models/ (git-ignored; existing files are kept): <net>.onnx from torchvision with
# random weights (perf/export_torchvision.py, Debian's python3-torch) and zoo-<net>.onnx written by
# `cnngpu export`. Exit code: the runner's (1 when any file failed to import or run, or outputs disagreed).
set -euo pipefail
cd "$(dirname "$0")/.."

models=perf/models
torchvision_nets=(alexnet vgg16 vgg19 googlenet resnet18 resnet34 resnet50 resnet101 resnet152)
zoo_nets=(alexnet vgg16 vgg19 googlenet resnet18 resnet34 resnet50 resnet101 resnet152 se-resnet50)

distinct=0
runner_args=()
for arg in "$@"; do
  case "$arg" in
    --distinct) distinct=1 ;;
    *) runner_args+=("$arg") ;;
  esac
done

if [[ -n "${NETS:-}" ]]; then
  read -r -a wanted <<<"$NETS"
  keep() { local n; for n in "${wanted[@]}"; do [[ "$n" == "$1" ]] && return 0; done; return 1; }
  filtered=(); for n in "${torchvision_nets[@]}"; do if keep "$n"; then filtered+=("$n"); fi; done; torchvision_nets=("${filtered[@]}")
  filtered=(); for n in "${zoo_nets[@]}"; do if keep "$n"; then filtered+=("$n"); fi; done; zoo_nets=("${filtered[@]}")
fi

mkdir -p "$models"
files=()

# torchvision: a failed export is reported and the others still run (the runner lists what is missing).
if ((${#torchvision_nets[@]} > 0)); then
  /usr/bin/python3 perf/export_torchvision.py "$models" "${torchvision_nets[@]}" || echo "warning: some torchvision exports failed (see above)" >&2
  if ((distinct)); then
    /usr/bin/python3 perf/export_torchvision.py "$models" "${torchvision_nets[@]}" --distinct-constants || echo "warning: some torchvision exports failed (see above)" >&2
  fi
  for n in "${torchvision_nets[@]}"; do
    if [[ -f "$models/$n.onnx" ]]; then files+=("$models/$n.onnx"); fi
    if ((distinct)) && [[ -f "$models/$n-distinct.onnx" ]]; then files+=("$models/$n-distinct.onnx"); fi
  done
fi

# The zoo through `cnngpu export` (built once, then run without rebuilding for each network).
if ((${#zoo_nets[@]} > 0)); then
  dotnet build src/Cli -c Release -v quiet -nologo >/dev/null
  for n in "${zoo_nets[@]}"; do
    out="$models/zoo-$n.onnx"
    if [[ -f "$out" ]]; then
      echo "skip $out (exists)"
    else
      dotnet run --project src/Cli -c Release --no-build -- export "$n" "$out" || echo "warning: cnngpu export $n failed" >&2
    fi
    if [[ -f "$out" ]]; then files+=("$out"); fi
  done
fi

if ((${#files[@]} == 0)); then
  echo "error: no model to run" >&2
  exit 1
fi

dotnet build perf/CnnGpu.SideBySide -c Release -v quiet -nologo >/dev/null
exec dotnet perf/CnnGpu.SideBySide/bin/Release/net10.0/CnnGpu.SideBySide.dll "${files[@]}" --out perf/results "${runner_args[@]}"
