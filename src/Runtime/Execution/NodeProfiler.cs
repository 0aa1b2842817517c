using System.Collections.Immutable;
using System.Diagnostics;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Execution;

/// <summary>Time spent in one step (a node, or a layout conversion the plan added), accumulated over profiled runs.</summary>
/// <param name="Name">Node name (or <c>value→layout</c> for a conversion).</param>
/// <param name="Kind">Its op; null for a layout conversion.</param>
/// <param name="Algorithm">The algorithm the backend prepared for it.</param>
/// <param name="Calls">Profiled launches.</param>
/// <param name="Total">Total device-synchronised time.</param>
public sealed record NodeTiming(string Name, OpKind? Kind, string Algorithm, int Calls, TimeSpan Total)
{
    /// <summary>Mean time per call.</summary>
    public TimeSpan Mean => Calls == 0 ? TimeSpan.Zero : Total / Calls;
}

/// <summary>
/// Accumulates per-step timings. Each launch is followed by a device synchronisation so that
/// the time is the kernel's own — which is why profiling is opt-in: it serialises the device.
/// </summary>
public sealed class NodeProfiler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (OpKind? Kind, string Algorithm, int Calls, long Ticks, int Order)> _timings = new(StringComparer.Ordinal);

    /// <summary>Per-step timings in execution order.</summary>
    public ImmutableArray<NodeTiming> Snapshot()
    {
        lock (_gate)
        {
            return [.. _timings.OrderBy(t => t.Value.Order).Select(t =>
                new NodeTiming(t.Key, t.Value.Kind, t.Value.Algorithm, t.Value.Calls, TimeSpan.FromSeconds(t.Value.Ticks / (double)Stopwatch.Frequency)))];
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

    internal void Record(PlanStep step, int order, long ticks)
    {
        lock (_gate)
        {
            var previous = _timings.GetValueOrDefault(step.Name, (step.Kind, step.Algorithm, Calls: 0, Ticks: 0L, Order: order));
            _timings[step.Name] = (step.Kind, step.Algorithm, previous.Calls + 1, previous.Ticks + ticks, previous.Order);
        }
    }
}
