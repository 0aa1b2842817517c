using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// Runs a graph on one backend. An <see cref="ExecutionPlan"/> (shapes, prepared kernels, memory
/// plan, arena, launches) is built once per batch size and reused; constants are uploaded or packed
/// once, when a kernel first asks, and shared by every plan. The plans of the
/// <see cref="MaxCachedPlans"/> most recently used batch sizes are kept (each holds an arena);
/// <see cref="TrimPlans"/> releases them all. Every call that touches the backend takes the backend's
/// gate, so executors sharing a backend take turns on it; <see cref="Runtime.Session.InferenceSession"/>
/// adds graph passes, a warm-up and profiling on top.
/// </summary>
public sealed class Executor : IDisposable
{
    /// <summary>Batch sizes whose plans are kept unless the constructor says otherwise.</summary>
    public const int DefaultMaxCachedPlans = 4;

    private readonly ConstantStore _constants;
    private readonly Dictionary<int, ExecutionPlan> _plans = [];
    private readonly LinkedList<int> _recent = new();
    private readonly PlanSettings _settings;
    private readonly SemaphoreSlim _gate;
    private bool _disposed;

    /// <summary>Prepares <paramref name="graph"/> on <paramref name="backend"/> (the executor does not own the backend).</summary>
    /// <param name="graph">The network.</param>
    /// <param name="backend">Where it runs.</param>
    /// <param name="planOptions">Memory planning options (in-place whitelist); default when null.</param>
    /// <param name="algorithms">Returns the algorithm (or its prefix) a node must run, or null to let the backend choose; tests force each path this way.</param>
    /// <param name="maxCachedPlans">Batch sizes whose plans (and arenas) are kept; the least recently used is released beyond that.</param>
    public Executor(
        ComputeGraph graph, IBackend backend, MemoryPlanOptions? planOptions = null, Func<Node, string?>? algorithms = null,
        int maxCachedPlans = DefaultMaxCachedPlans)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCachedPlans, 1);
        Graph = graph;
        Backend = backend;
        MaxCachedPlans = maxCachedPlans;
        _settings = new PlanSettings(planOptions ?? MemoryPlanOptions.Default, algorithms);
        _constants = new ConstantStore(graph, backend);
        _gate = BackendGate.For(backend);
    }

    /// <summary>Batch sizes whose plans are kept at most.</summary>
    public int MaxCachedPlans { get; }

    /// <summary>The batch sizes whose plans are currently kept, most recently used first.</summary>
    public IReadOnlyList<int> CachedBatchSizes => Gated(() => (IReadOnlyList<int>)[.. _recent]);

    /// <summary>The network.</summary>
    public ComputeGraph Graph { get; }

    /// <summary>Where it runs.</summary>
    public IBackend Backend { get; }

    /// <summary>Collects per-node timings when set (each launch is then device-synchronised).</summary>
    public NodeProfiler? Profiler { get; set; }

    /// <summary>Runs a single-input, single-output graph.</summary>
    /// <param name="input">A batch, <c>[N, ...item shape]</c>.</param>
    /// <returns>The output for the batch.</returns>
    public Tensor Run(Tensor input)
    {
        if (Graph.Inputs.Length != 1 || Graph.Outputs.Length != 1)
        {
            throw new CnnGpuException($"Graph '{Graph.Name}' has {Graph.Inputs.Length} inputs and {Graph.Outputs.Length} outputs; use RunAll.");
        }

        return RunAll(input)[0];
    }

    /// <summary>Runs the graph on one tensor per graph input; every input must have the same batch size.</summary>
    /// <param name="inputs">One batch per graph input, in order.</param>
    /// <returns>One tensor per graph output.</returns>
    public IReadOnlyList<Tensor> RunAll(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Run([.. inputs.Select(t => t.Shape)], [.. inputs.Select(t => new ReadOnlyMemory<float>(t.Data))], CancellationToken.None);
    }

    /// <summary>Runs the graph on raw input data whose shapes the caller states.</summary>
    /// <param name="shapes">One shape per graph input, <c>[N, ...item shape]</c>.</param>
    /// <param name="inputs">The data of each input, C order.</param>
    /// <param name="cancellation">Checked between kernel launches.</param>
    /// <returns>One tensor per graph output.</returns>
    public IReadOnlyList<Tensor> Run(IReadOnlyList<TensorShape> shapes, IReadOnlyList<ReadOnlyMemory<float>> inputs, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(inputs);
        int batch = CheckInputs(shapes, inputs);
        _gate.Wait(cancellation);
        try
        {
            return PlanFor(batch).Run(inputs, Profiler, cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs the graph on a pool thread once the backend's gate is free. Cancellation is honoured while
    /// waiting for the gate and between kernel launches; a cancelled run leaves the executor usable.
    /// </summary>
    /// <param name="shapes">One shape per graph input, <c>[N, ...item shape]</c>.</param>
    /// <param name="inputs">The data of each input, C order.</param>
    /// <param name="cancellation">Cancels the run.</param>
    /// <returns>One tensor per graph output.</returns>
    public async Task<IReadOnlyList<Tensor>> RunAsync(
        IReadOnlyList<TensorShape> shapes, IReadOnlyList<ReadOnlyMemory<float>> inputs, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(inputs);
        int batch = CheckInputs(shapes, inputs);
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => (IReadOnlyList<Tensor>)PlanFor(batch).Run(inputs, Profiler, cancellation), cancellation).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The memory plan used for <paramref name="batch"/> (prepared on first use).</summary>
    /// <param name="batch">Batch size.</param>
    public MemoryPlan MemoryPlanFor(int batch) => Gated(() => PlanFor(batch).Memory);

    /// <summary>Kernels launched per run at <paramref name="batch"/> (elided copies excluded).</summary>
    /// <param name="batch">Batch size.</param>
    public int LaunchCountFor(int batch) => Gated(() => PlanFor(batch).LaunchCount);

    /// <summary>Every step of the plan for <paramref name="batch"/>: each node's algorithm and layout, and the conversions the plan added.</summary>
    /// <param name="batch">Batch size.</param>
    public IReadOnlyList<PlanStep> StepsFor(int batch) => Gated(() => PlanFor(batch).Steps);

    /// <summary>
    /// Releases every cached plan and its arena (the weights stay uploaded); the next run of a batch
    /// size builds its plan again. For hosts that ran an unusual batch size once and want the memory back.
    /// </summary>
    public void TrimPlans() => Gated(() =>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReleasePlans();
        return 0;
    });

    /// <inheritdoc/>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ReleasePlans();
            _constants.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ReleasePlans()
    {
        foreach (var plan in _plans.Values)
        {
            plan.Dispose();
        }

        _plans.Clear();
        _recent.Clear();
    }

    private T Gated<T>(Func<T> action)
    {
        _gate.Wait();
        try
        {
            return action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private int CheckInputs(IReadOnlyList<TensorShape> shapes, IReadOnlyList<ReadOnlyMemory<float>> inputs)
    {
        if (shapes.Count != Graph.Inputs.Length || inputs.Count != Graph.Inputs.Length)
        {
            throw new ArgumentException($"Graph '{Graph.Name}' takes {Graph.Inputs.Length} input(s), got {inputs.Count}.", nameof(inputs));
        }

        int batch = shapes.Count > 0 && shapes[0].Rank > 0 ? shapes[0][0] : 1;
        for (int i = 0; i < shapes.Count; i++)
        {
            var declared = Graph.Inputs[i];
            var expected = new TensorShape([batch, .. declared.ItemShape.Dimensions]);
            if (!shapes[i].Equals(expected))
            {
                throw new ShapeMismatchException(
                    $"Input '{Graph.Values[declared.ValueId].Name}' of graph '{Graph.Name}' expects [N, {string.Join(", ", declared.ItemShape.Dimensions)}] (here {expected}), got {shapes[i]}.");
            }

            if (inputs[i].Length != expected.ElementCount)
            {
                throw new ShapeMismatchException($"Input '{Graph.Values[declared.ValueId].Name}': shape {expected} needs {expected.ElementCount} values, got {inputs[i].Length}.");
            }
        }

        return batch;
    }

    /// <summary>The plan for <paramref name="batch"/>, built on first use; the caller holds the gate.</summary>
    private ExecutionPlan PlanFor(int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_plans.TryGetValue(batch, out var plan))
        {
            _recent.Remove(batch);
            _recent.AddFirst(batch);
            return plan;
        }

        // Release the least recently used plans before allocating another arena.
        while (_plans.Count >= MaxCachedPlans)
        {
            int oldest = _recent.Last!.Value;
            _recent.RemoveLast();
            _plans.Remove(oldest, out var evicted);
            evicted!.Dispose();
        }

        plan = new ExecutionPlan(Graph, Backend, _constants, batch, _settings);
        _plans[batch] = plan;
        _recent.AddFirst(batch);
        return plan;
    }
}
