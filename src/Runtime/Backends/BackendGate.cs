using System.Runtime.CompilerServices;

namespace CnnGpu.Runtime.Backends;

/// <summary>
/// One gate per backend: everything that touches a backend's queue or its allocations on behalf of a
/// graph (building a plan, uploading or packing weights, a run, releasing plans) takes it, so executors
/// and sessions sharing a backend take turns instead of interleaving their launches.
/// </summary>
internal static class BackendGate
{
    private static readonly ConditionalWeakTable<IBackend, SemaphoreSlim> Gates = new();

    /// <summary>The gate of <paramref name="backend"/> (created on first use, collected with the backend).</summary>
    /// <param name="backend">An open backend.</param>
    public static SemaphoreSlim For(IBackend backend) => Gates.GetValue(backend, _ => new SemaphoreSlim(1, 1));
}
