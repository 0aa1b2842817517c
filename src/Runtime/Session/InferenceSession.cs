using System.Runtime.CompilerServices;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Session;

/// <summary>
/// A network prepared for inference on one device: the API a host application embeds.
/// Creation runs the graph passes, uploads the weights, compiles the kernels and does a warm-up
/// run, so the first <see cref="Run(Tensor)"/> is not slow. Runs are thread-safe (they are
/// serialised on the device); any batch size up to <see cref="SessionOptions.MaxBatch"/> is
/// accepted, each with its own cached plan. Sessions that share a backend also serialise with each
/// other, since they share its queue. Dispose the session to release every device buffer.
/// </summary>
/// <example>
/// <code>
/// using var session = new InferenceSession(NetworkZoo.Build("resnet50"), new SessionOptions { Backend = "auto" });
/// Tensor probabilities = session.Run(batch);   // [N, 1000]
/// </code>
/// </example>
public sealed class InferenceSession : IDisposable
{
    /// <summary>One gate per backend: sessions sharing a device queue take turns on it.</summary>
    private static readonly ConditionalWeakTable<IBackend, SemaphoreSlim> Gates = new();

    private readonly SemaphoreSlim _gate;
    private readonly IBackend _backend;
    private readonly bool _ownsBackend;
    private readonly Executor _executor;
    private bool _disposed;

    /// <summary>Prepares <paramref name="graph"/> for inference.</summary>
    /// <param name="graph">The network (a zoo build or an ONNX import).</param>
    /// <param name="options">Backend, batch limit, passes, profiling; defaults when null.</param>
    /// <exception cref="DeviceException">The backend could not be opened.</exception>
    /// <exception cref="CnnGpuException">The graph cannot run on the backend.</exception>
    public InferenceSession(ComputeGraph graph, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Options = options ?? SessionOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxBatch, 1);
        if (graph.Inputs.Length != 1)
        {
            throw new CnnGpuException($"Graph '{graph.Name}' has {graph.Inputs.Length} inputs; a session takes networks with one image input.");
        }

        Graph = Options.Optimize ? GraphOptimizer.Optimize(graph) : graph;
        _ownsBackend = Options.SharedBackend is null;
        _backend = Options.SharedBackend ?? BackendFactory.Open(Options.Backend, new BackendOptions { Threads = Options.Threads });
        _gate = Gates.GetValue(_backend, _ => new SemaphoreSlim(1, 1));
        _executor = new Executor(Graph, _backend, Options.MemoryPlan, Options.Algorithms);
        try
        {
            // Preparing (weight packing, uploads) and the warm-up touch the backend: take its gate like a run.
            _gate.Wait();
            try
            {
                WarmUp();
            }
            finally
            {
                _gate.Release();
            }

            if (Options.Profiling)
            {
                _executor.Profiler = new NodeProfiler();
            }
        }
        catch
        {
            _executor.Dispose();
            if (_ownsBackend)
            {
                _backend.Dispose();
            }

            throw;
        }
    }

    /// <summary>The options the session was created with.</summary>
    public SessionOptions Options { get; }

    /// <summary>The graph as it runs (after the passes).</summary>
    public ComputeGraph Graph { get; }

    /// <summary>The backend's name (<c>cuda</c>, <c>ilgpu-cpu</c>, …).</summary>
    public string BackendName => _backend.Name;

    /// <summary>The device description.</summary>
    public string DeviceName => _backend.DeviceName;

    /// <summary>Shape of one input item, e.g. <c>[3, 224, 224]</c>.</summary>
    public TensorShape InputItemShape => Graph.Inputs[0].ItemShape;

    /// <summary>Per-node timings since creation (null unless <see cref="SessionOptions.Profiling"/>).</summary>
    public IReadOnlyList<NodeTiming>? Profile => _executor.Profiler?.Snapshot();

    /// <summary>Runs a batch <c>[N, ...item shape]</c> (N ≤ max batch) and returns the first output.</summary>
    /// <param name="input">The batch.</param>
    public Tensor Run(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunAll(input.Shape, input.Data, CancellationToken.None)[0];
    }

    /// <summary>Runs <paramref name="batch"/> items laid out contiguously in <paramref name="input"/> and returns the first output.</summary>
    /// <param name="input">The batch's values, C order.</param>
    /// <param name="batch">Number of items.</param>
    public Tensor Run(ReadOnlyMemory<float> input, int batch) =>
        RunAll(new TensorShape([batch, .. InputItemShape.Dimensions]), input, CancellationToken.None)[0];

    /// <summary>Runs a batch without blocking the caller; cancellation is honoured between kernel launches.</summary>
    /// <param name="input">The batch.</param>
    /// <param name="cancellation">Cancels the run.</param>
    public async Task<Tensor> RunAsync(Tensor input, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatch(input.Shape);
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => _executor.Run([input.Shape], [input.Data], cancellation)[0], cancellation).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs a batch and returns every graph output.</summary>
    /// <param name="shape">The batch's shape, <c>[N, ...item shape]</c>.</param>
    /// <param name="input">Its values, C order.</param>
    /// <param name="cancellation">Checked between kernel launches.</param>
    public IReadOnlyList<Tensor> RunAll(TensorShape shape, ReadOnlyMemory<float> input, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatch(shape);
        _gate.Wait(cancellation);
        try
        {
            return _executor.Run([shape], [input], cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The memory plan for a batch size: arena size against the naive sum.</summary>
    /// <param name="batch">Batch size (≤ max batch).</param>
    public MemoryPlan MemoryPlanFor(int batch)
    {
        CheckBatch(new TensorShape([batch, .. InputItemShape.Dimensions]));
        _gate.Wait();
        try
        {
            return _executor.MemoryPlanFor(batch);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The plan for a batch size as it runs: every node's algorithm and layout, and the layout conversions added.</summary>
    /// <param name="batch">Batch size (≤ max batch).</param>
    public IReadOnlyList<PlanStep> PlanFor(int batch)
    {
        CheckBatch(new TensorShape([batch, .. InputItemShape.Dimensions]));
        _gate.Wait();
        try
        {
            return _executor.StepsFor(batch);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the profile collected so far (e.g. after warm-up runs).</summary>
    public void ResetProfile() => _executor.Profiler?.Reset();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _disposed = true;
            _executor.Dispose();
            if (_ownsBackend)
            {
                _backend.Dispose();
            }
        }
        finally
        {
            // The gate belongs to the backend (shared sessions may still use it); it is collected with it.
            _gate.Release();
        }
    }

    private void CheckBatch(TensorShape shape)
    {
        if (shape.Rank < 1 || shape[0] > Options.MaxBatch)
        {
            throw new ShapeMismatchException(
                $"Session for '{Graph.Name}': batch {(shape.Rank < 1 ? 0 : shape[0])} of input {shape} exceeds the session's max batch {Options.MaxBatch}.");
        }
    }

    private void WarmUp()
    {
        var shape = new TensorShape([1, .. InputItemShape.Dimensions]);
        _executor.Run([shape], [new float[shape.ElementCount]], CancellationToken.None);
    }
}
