using System.Collections.Immutable;
using System.Diagnostics;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Execution;

/// <summary>Time spent in one node, accumulated over profiled runs.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Kind">Its op.</param>
/// <param name="Calls">Profiled launches.</param>
/// <param name="Total">Total device-synchronised time.</param>
public sealed record NodeTiming(string Name, OpKind Kind, int Calls, TimeSpan Total)
{
    /// <summary>Mean time per call.</summary>
    public TimeSpan Mean => Calls == 0 ? TimeSpan.Zero : Total / Calls;
}

/// <summary>
/// Accumulates per-node timings. Each launch is followed by a device synchronisation so that
/// the time is the kernel's own — which is why profiling is opt-in: it serialises the device.
/// </summary>
public sealed class NodeProfiler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (OpKind Kind, int Calls, long Ticks, int Order)> _timings = new(StringComparer.Ordinal);

    /// <summary>Per-node timings in graph order.</summary>
    public ImmutableArray<NodeTiming> Snapshot()
    {
        lock (_gate)
        {
            return [.. _timings.OrderBy(t => t.Value.Order).Select(t =>
                new NodeTiming(t.Key, t.Value.Kind, t.Value.Calls, TimeSpan.FromSeconds(t.Value.Ticks / (double)Stopwatch.Frequency)))];
        }
    }

    /// <summary>Forgets every timing (e.g. after warm-up).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _timings.Clear();
        }
    }

    internal void Record(Node node, int order, long ticks)
    {
        lock (_gate)
        {
            var previous = _timings.GetValueOrDefault(node.Name, (Kind: node.Kind, Calls: 0, Ticks: 0L, Order: order));
            _timings[node.Name] = (node.Kind, previous.Calls + 1, previous.Ticks + ticks, previous.Order);
        }
    }
}
