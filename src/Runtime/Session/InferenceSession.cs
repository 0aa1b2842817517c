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
/// accepted, each with its own cached plan (the <see cref="SessionOptions.MaxCachedPlans"/> most recently
/// used are kept; <see cref="TrimMemory"/> releases them). Sessions and executors that share a backend
/// also serialise with each other, creation and warm-up included, since they share its queue. Dispose
/// the session to release every device buffer; a session whose creation fails releases what it took.
/// </summary>
/// <example>
/// <code>
/// using var session = new InferenceSession(NetworkZoo.Build("resnet50"), new SessionOptions { Backend = "auto" });
/// Tensor probabilities = session.Run(batch);   // [N, 1000]
/// </code>
/// </example>
public sealed class InferenceSession : IDisposable
{
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
        Executor? executor = null;
        try
        {
            // Preparing (weight packing, uploads) and the warm-up run under the backend's gate, like every run.
            executor = new Executor(Graph, _backend, Options.MemoryPlan, Options.Algorithms, Options.MaxCachedPlans);
            WarmUp(executor);
            if (Options.Profiling)
            {
                executor.Profiler = new NodeProfiler();
            }

            _executor = executor;
        }
        catch
        {
            // Whatever the executor allocated goes back, on a shared backend too; an owned backend is closed.
            executor?.Dispose();
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
        var outputs = await _executor.RunAsync([input.Shape], [input.Data], cancellation).ConfigureAwait(false);
        return outputs[0];
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
        return _executor.Run([shape], [input], cancellation);
    }

    /// <summary>The memory plan for a batch size: arena size against the naive sum.</summary>
    /// <param name="batch">Batch size (≤ max batch).</param>
    public MemoryPlan MemoryPlanFor(int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatch(new TensorShape([batch, .. InputItemShape.Dimensions]));
        return _executor.MemoryPlanFor(batch);
    }

    /// <summary>The plan for a batch size as it runs: every node's algorithm and layout, and the layout conversions added.</summary>
    /// <param name="batch">Batch size (≤ max batch).</param>
    public IReadOnlyList<PlanStep> PlanFor(int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatch(new TensorShape([batch, .. InputItemShape.Dimensions]));
        return _executor.StepsFor(batch);
    }

    /// <summary>The batch sizes whose plans (and arenas) the session currently keeps, most recently used first.</summary>
    public IReadOnlyList<int> CachedBatchSizes => _executor.CachedBatchSizes;

    /// <summary>
    /// Releases the arenas of every cached plan (the weights stay on the device); the next run of each
    /// batch size plans it again. For long-running hosts after an unusual batch size.
    /// </summary>
    public void TrimMemory()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _executor.TrimPlans();
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

        // The executor waits for a run in progress before it releases its buffers.
        _disposed = true;
        _executor.Dispose();
        if (_ownsBackend)
        {
            _backend.Dispose();
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

    private void WarmUp(Executor executor)
    {
        var shape = new TensorShape([1, .. InputItemShape.Dimensions]);
        executor.Run([shape], [new float[shape.ElementCount]], CancellationToken.None);
    }
}
