#!/usr/bin/env bash
# Soak run (not CI): 8 threads × 1,000 runs on one `cpu` session of ResNet-18 at 224, then 1,000 session
# create/dispose cycles; writes perf/results/<date>-soak.json and prints the figures in README "Reliability".
#
# DOTNET_GCgen0size=0x400000 (4 MiB gen-0 budget): the default budget on large-cache CPUs exceeds everything the
# soak allocates (~6 KB per run, mostly the output tensor), so no collection would run while it measures and RSS
# would show uncollected garbage rather than the engine's steady state (measured on 2026-12-02: default budget
# +36% RSS over 12,000 runs with the live heap flat at 87.6 MiB; 4 MiB: +3%). A host app sees the same
# plateau once its own collections run.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build perf/CnnGpu.Soak -c Release -nologo -v q
DOTNET_GCgen0size=0x400000 dotnet perf/CnnGpu.Soak/bin/Release/net10.0/CnnGpu.Soak.dll "$@"
