using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// Runs a graph on one backend. An <see cref="ExecutionPlan"/> (shapes, prepared kernels, memory
/// plan, arena, launches) is built once per batch size and reused; constants are uploaded or packed
/// once, when a kernel first asks, and shared by every plan. Not thread-safe:
/// <see cref="Runtime.Session.InferenceSession"/> adds locking, graph passes and profiling on top.
/// </summary>
public sealed class Executor : IDisposable
{
    private readonly ConstantStore _constants;
    private readonly Dictionary<int, ExecutionPlan> _plans = [];
    private readonly PlanSettings _settings;
    private bool _disposed;

    /// <summary>Prepares <paramref name="graph"/> on <paramref name="backend"/> (the executor does not own the backend).</summary>
    /// <param name="graph">The network.</param>
    /// <param name="backend">Where it runs.</param>
    /// <param name="planOptions">Memory planning options (in-place whitelist); default when null.</param>
    /// <param name="algorithms">Returns the algorithm (or its prefix) a node must run, or null to let the backend choose; tests force each path this way.</param>
    public Executor(ComputeGraph graph, IBackend backend, MemoryPlanOptions? planOptions = null, Func<Node, string?>? algorithms = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(backend);
        Graph = graph;
        Backend = backend;
        _settings = new PlanSettings(planOptions ?? MemoryPlanOptions.Default, algorithms);
        _constants = new ConstantStore(graph, backend);
    }

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
        return PlanFor(batch).Run(inputs, Profiler, cancellation);
    }

    /// <summary>The memory plan used for <paramref name="batch"/> (prepared on first use).</summary>
    /// <param name="batch">Batch size.</param>
    public MemoryPlan MemoryPlanFor(int batch) => PlanFor(batch).Memory;

    /// <summary>Kernels launched per run at <paramref name="batch"/> (elided copies excluded).</summary>
    /// <param name="batch">Batch size.</param>
    public int LaunchCountFor(int batch) => PlanFor(batch).LaunchCount;

    /// <summary>Every step of the plan for <paramref name="batch"/>: each node's algorithm and layout, and the conversions the plan added.</summary>
    /// <param name="batch">Batch size.</param>
    public IReadOnlyList<PlanStep> StepsFor(int batch) => PlanFor(batch).Steps;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var plan in _plans.Values)
        {
            plan.Dispose();
        }

        _plans.Clear();
        _constants.Dispose();
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

    private ExecutionPlan PlanFor(int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_plans.TryGetValue(batch, out var plan))
        {
            plan = new ExecutionPlan(Graph, Backend, _constants, batch, _settings);
            _plans[batch] = plan;
        }

        return plan;
    }
}
