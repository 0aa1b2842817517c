using System.Diagnostics;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// Everything needed to run a graph for one batch size, prepared once: shapes, the memory plan,
/// one arena for every intermediate value (slots are views into it), separate buffers for the
/// graph's inputs and outputs, and the list of launches. Copy-like nodes (Flatten, Dropout,
/// Identity) that the planner placed in place launch nothing at all.
/// </summary>
internal sealed class ExecutionPlan : IDisposable
{
    private readonly List<IDeviceBuffer> _owned = [];
    private readonly List<(NodeLaunch Launch, int Order)> _launches = [];
    private readonly IBackend _backend;
    private readonly ComputeGraph _graph;

    public ExecutionPlan(ComputeGraph graph, IBackend backend, IReadOnlyList<IDeviceBuffer?> constants, int batch, MemoryPlanOptions planOptions)
    {
        _graph = graph;
        _backend = backend;
        Shapes = ShapeInference.Infer(graph, batch);
        Memory = MemoryPlanner.Plan(graph, Shapes, planOptions);
        var buffers = new IDeviceBuffer?[graph.Values.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = constants[i];
        }

        try
        {
            var arena = Memory.ArenaLength > 0 ? Own(backend.Allocate(checked((int)Memory.ArenaLength))) : null;
            foreach (int id in graph.Inputs.Select(i => i.ValueId).Concat(graph.Outputs).Distinct())
            {
                buffers[id] ??= Own(backend.Allocate(Shapes[id].ElementCount));
            }

            foreach (int id in Memory.PlannedValues)
            {
                var slot = Memory.SlotOf(id)!.Value;
                buffers[id] = backend.Slice(arena!, checked((int)slot.Offset), slot.Length);
            }

            for (int n = 0; n < graph.Nodes.Length; n++)
            {
                var node = graph.Nodes[n];
                if (IsElidedCopy(node, buffers))
                {
                    continue;
                }

                var launch = new NodeLaunch(
                    node,
                    [.. node.Inputs.Select(id => buffers[id] ?? throw new CnnGpuException($"{node}: input '{graph.Values[id].Name}' has no buffer."))],
                    [.. node.Inputs.Select(id => Shapes[id])],
                    buffers[node.Output] ?? throw new CnnGpuException($"{node}: output has no buffer."),
                    Shapes[node.Output]);
                _launches.Add((launch, n));
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Buffers = buffers;
    }

    /// <summary>Every value's shape for this batch.</summary>
    public TensorShape[] Shapes { get; }

    /// <summary>Where every intermediate value lives.</summary>
    public MemoryPlan Memory { get; }

    /// <summary>Kernels launched per run (elided copies excluded).</summary>
    public int LaunchCount => _launches.Count;

    private IDeviceBuffer?[] Buffers { get; }

    /// <summary>Uploads the inputs, launches every node, waits, and downloads the outputs.</summary>
    public Tensor[] Run(IReadOnlyList<ReadOnlyMemory<float>> inputs, NodeProfiler? profiler, CancellationToken cancellation)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            _backend.Upload(inputs[i].Span, Buffers[_graph.Inputs[i].ValueId]!);
        }

        foreach (var (launch, order) in _launches)
        {
            cancellation.ThrowIfCancellationRequested();
            if (profiler is null)
            {
                _backend.Execute(launch);
                continue;
            }

            long start = Stopwatch.GetTimestamp();
            _backend.Execute(launch);
            _backend.Synchronize();
            profiler.Record(launch.Node, order, Stopwatch.GetTimestamp() - start);
        }

        _backend.Synchronize();
        var outputs = new Tensor[_graph.Outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            int id = _graph.Outputs[i];
            outputs[i] = new Tensor(Shapes[id]);
            _backend.Download(Buffers[id]!, outputs[i].Data);
        }

        return outputs;
    }

    public void Dispose()
    {
        foreach (var buffer in _owned)
        {
            buffer.Dispose();
        }

        _owned.Clear();
    }

    /// <summary>A reshape or no-op whose output was planned onto its input's storage has nothing to do.</summary>
    private bool IsElidedCopy(Node node, IDeviceBuffer?[] buffers) =>
        node.Kind is OpKind.Flatten or OpKind.Dropout or OpKind.Identity
        && Memory.SlotOf(node.Output) is { } output
        && Memory.SlotOf(node.Inputs[0]) is { } input
        && output.Offset == input.Offset
        && buffers[node.Inputs[0]] is not null;

    private IDeviceBuffer Own(IDeviceBuffer buffer)
    {
        _owned.Add(buffer);
        return buffer;
    }
}
