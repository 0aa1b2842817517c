#!/usr/bin/env bash
# Builds the self-contained linux-x64 bundle of the CLI for a GPU host that has no .NET:
#
#   perf/gpu/bundle.sh                # writes .gpu/app.tar.xz (~24 MB; ~100 MB unpacked) and .gpu/app.commit
#   perf/gpu/bundle.sh --with-models  # also packs DnnImageModels/ (ML.NET's trained ResNet-18, 61 MB of
#                                     # incompressible weights: over the device tool's 64 MiB carry limit)
#
# The bundle leaves DnnImageModels/ out by default: only `cnngpu embed`/`similar` read it, never `bench`.
# .gpu/ is git-ignored (.gitignore); the device tool carries it with carry [".gpu"]; perf/gpu/run.sh unpacks it
# on the host. The publish folder stays in artifacts/gpu-publish/ (git-ignored) so a second run is incremental.
# Needs the .NET SDK and NuGet (for the linux-x64 runtime pack) here; the host needs neither.
set -euo pipefail
cd "$(dirname "$0")/../.."
exclude=(--exclude=./DnnImageModels)
case "${1:-}" in
  --with-models) exclude=() ;;
  "") ;;
  *) echo "usage: perf/gpu/bundle.sh [--with-models]" >&2; exit 2 ;;
esac
out=.gpu
pub=artifacts/gpu-publish
rm -rf "$pub"
dotnet publish src/Cli/CnnGpu.Cli.csproj -c Release -r linux-x64 --self-contained true -nologo -v quiet -o "$pub" >/dev/null
test -x "$pub/cnngpu" || { echo "bundle.sh: publish wrote no $pub/cnngpu" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
tar -C "$pub" "${exclude[@]}" -cJf "$out/app.tar.xz" .
# Which source the bundle was built from ("-dirty": src/ had uncommitted changes).
{ git rev-parse HEAD; git diff --quiet HEAD -- src || echo dirty; } | paste -sd- > "$out/app.commit"
ls -la "$out"
size=$(stat -c %s "$out/app.tar.xz")
if ((size > 60 * 1024 * 1024)); then echo "bundle.sh: warning: $out is near or over the device tool's 64 MiB carry limit" >&2; fi
