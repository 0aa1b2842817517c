using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Planning;

namespace CnnGpu.Runtime.Session;

/// <summary>How an <see cref="InferenceSession"/> runs its network.</summary>
public sealed record SessionOptions
{
    /// <summary>The default options: <c>auto</c> backend, batches up to 256, graph passes on, no profiling.</summary>
    public static SessionOptions Default { get; } = new();

    /// <summary>Backend to open (<c>auto</c>, <c>reference</c>, <c>ilgpu-cpu</c>, <c>cuda[:i]</c>, <c>opencl[:i]</c>); the session owns it.</summary>
    public string Backend { get; init; } = "auto";

    /// <summary>An already open backend to share instead of opening <see cref="Backend"/>; the session does not dispose it.</summary>
    public IBackend? SharedBackend { get; init; }

    /// <summary>
    /// Largest batch <see cref="InferenceSession.Run(Tensors.Tensor)"/> accepts (256 by default: GPU benchmarks run
    /// batches of 256). It reserves nothing: each batch size gets its plan and arena when first run.
    /// </summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>
    /// Batch sizes whose plans (each with its activation arena) the session keeps; running another batch
    /// size releases the least recently used. <see cref="InferenceSession.TrimMemory"/> releases them all.
    /// </summary>
    public int MaxCachedPlans { get; init; } = Execution.Executor.DefaultMaxCachedPlans;

    /// <summary>Run the graph passes (no-op removal, batch-norm folding, fused epilogues).</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>Record per-node timings (each launch is then device-synchronised, so runs are slower).</summary>
    public bool Profiling { get; init; }

    /// <summary>Memory planning (in-place whitelist, alignment); the planner's defaults when null.</summary>
    public MemoryPlanOptions? MemoryPlan { get; init; }

    /// <summary>
    /// Worker threads of a CPU backend the session opens (null: one per core). Ignored with
    /// <see cref="SharedBackend"/>, which was opened with its own.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Returns the algorithm (or its prefix, e.g. <c>conv/winograd</c>) a node must run, or null to let
    /// the backend choose; a node the algorithm cannot run fails the session's creation with a message naming it.
    /// </summary>
    public Func<Graph.Node, string?>? Algorithms { get; init; }
}
