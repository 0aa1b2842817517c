using System.Diagnostics;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// Everything needed to run a graph for one batch size, prepared once: shapes, one prepared kernel
/// per node (the backend chose its algorithm, packed its constants and fixed its layouts), the
/// layout conversions the kernels' layouts call for, the memory plan of every intermediate value in
/// the layout its producer writes, one arena (slots are views into it), separate buffers for the
/// graph's inputs and outputs, and the launch list. Running it only uploads, launches and downloads.
/// Reshape-like nodes (Flatten, Dropout, Identity) planned onto their input's storage launch nothing.
/// </summary>
internal sealed class ExecutionPlan : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly List<Launch> _launches = [];
    private readonly IBackend _backend;
    private readonly IHostStaging[] _inputStaging;
    private readonly (IHostStaging Staging, TensorShape Shape)[] _outputStaging;

    public ExecutionPlan(ComputeGraph graph, IBackend backend, IConstantStore constants, int batch, PlanSettings settings)
    {
        _backend = backend;
        Shapes = ShapeInference.Infer(graph, batch);
        try
        {
            var lowered = new LoweredSchedule(graph, Shapes, backend, constants, settings, _owned);
            Memory = MemoryPlanner.Plan(lowered.ToSchedule(), settings.MemoryPlan.Alignment);
            var buffers = Bind(lowered, graph);
            _inputStaging = [.. graph.Inputs.Select(i => Own(backend.CreateStaging(buffers[i.ValueId]!)))];
            _outputStaging = [.. lowered.Outputs.Select((id, i) => (Own(backend.CreateStaging(buffers[id]!)), Shapes[graph.Outputs[i]]))];
            var steps = new List<PlanStep>();
            for (int s = 0; s < lowered.Steps.Count; s++)
            {
                var step = lowered.Steps[s];
                bool elided = step.Elided || (step.Node is { Kind: OpKind.Flatten or OpKind.Dropout or OpKind.Identity } && Memory.InPlace.Contains(s));
                string algorithm = step.Elided ? "concat/in-place (inputs written into their slices)" : step.Kernel.Algorithm;
                var info = new PlanStep(step.Name, step.Node?.Kind, algorithm, step.Kernel.OutputLayout, elided);
                steps.Add(info);
                if (!elided)
                {
                    IDeviceBuffer?[] inputs = [.. step.Inputs.Select(id => lowered.IsConstant(id) ? null : buffers[id] ?? throw new CnnGpuException($"{step.Name}: input {id} has no buffer."))];
                    _launches.Add(new Launch(step.Kernel, inputs, buffers[step.Output]!, info, s));
                }
            }

            Steps = steps;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Every graph value's shape for this batch.</summary>
    public TensorShape[] Shapes { get; }

    /// <summary>Where every intermediate value lives (value ids beyond the graph's are the plan's conversions).</summary>
    public MemoryPlan Memory { get; }

    /// <summary>Every step in execution order, elided ones included.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>Kernels launched per run (elided copies excluded).</summary>
    public int LaunchCount => _launches.Count;

    /// <summary>
    /// Queues the inputs' uploads, every step's launch and the outputs' downloads, then waits once and copies
    /// the outputs out of their staging memory: on an accelerator nothing between the first upload and that
    /// one wait blocks the host (profiling adds a wait per launch, to time it).
    /// </summary>
    public Tensor[] Run(IReadOnlyList<ReadOnlyMemory<float>> inputs, NodeProfiler? profiler, CancellationToken cancellation)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            _inputStaging[i].Upload(inputs[i].Span);
        }

        foreach (var launch in _launches)
        {
            cancellation.ThrowIfCancellationRequested();
            if (profiler is null)
            {
                launch.Kernel.Run(launch.Inputs, launch.Output);
                continue;
            }

            long start = Stopwatch.GetTimestamp();
            launch.Kernel.Run(launch.Inputs, launch.Output);
            _backend.Synchronize();
            profiler.Record(launch.Info, launch.Order, Stopwatch.GetTimestamp() - start);
        }

        foreach (var (staging, shape) in _outputStaging)
        {
            staging.QueueDownload(shape.ElementCount);
        }

        _backend.Synchronize();
        var outputs = new Tensor[_outputStaging.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var (staging, shape) = _outputStaging[i];
            outputs[i] = new Tensor(shape);
            staging.CopyTo(outputs[i].Data);
        }

        return outputs;
    }

    public void Dispose()
    {
        // Kernels and buffers in reverse order of creation: views and packed forms before what they point into.
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private IDeviceBuffer?[] Bind(LoweredSchedule lowered, ComputeGraph graph)
    {
        var buffers = new IDeviceBuffer?[lowered.ValueCount];
        var arena = Memory.ArenaLength > 0 ? Own(_backend.Allocate(checked((int)Memory.ArenaLength))) : null;
        foreach (int id in graph.Inputs.Select(i => i.ValueId).Concat(lowered.Outputs).Distinct())
        {
            buffers[id] ??= Own(_backend.Allocate(lowered.StorageLengths[id]));
        }

        foreach (int id in Memory.PlannedValues)
        {
            var slot = Memory.SlotOf(id)!.Value;
            buffers[id] = _backend.Slice(arena!, checked((int)slot.Offset), slot.Length);
        }

        return buffers;
    }

    private T Own<T>(T buffer)
        where T : IDisposable
    {
        _owned.Add(buffer);
        return buffer;
    }

    private sealed record Launch(IPreparedKernel Kernel, IDeviceBuffer?[] Inputs, IDeviceBuffer Output, PlanStep Info, int Order);
}

/// <summary>What a plan is built with: memory planning options and an optional algorithm choice per node.</summary>
/// <param name="MemoryPlan">In-place whitelist and alignment.</param>
/// <param name="Algorithms">Returns the algorithm (or prefix) a node must use, or null to let the backend choose.</param>
internal sealed record PlanSettings(MemoryPlanOptions MemoryPlan, Func<Node, string?>? Algorithms);
