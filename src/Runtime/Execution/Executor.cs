using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// Runs a graph on one backend. Parameters are uploaded once at construction; shapes and
/// activation buffers are prepared once per batch size and reused. Not thread-safe: one
/// executor serves one caller at a time.
/// </summary>
public sealed class Executor : IDisposable
{
    private readonly IDeviceBuffer?[] _constants;
    private readonly Dictionary<int, BatchPlan> _plans = [];
    private bool _disposed;

    /// <summary>Prepares <paramref name="graph"/> on <paramref name="backend"/> (the executor does not own the backend).</summary>
    /// <param name="graph">The network.</param>
    /// <param name="backend">Where it runs.</param>
    /// <exception cref="CnnGpuException">The backend lacks a kernel for one of the graph's ops.</exception>
    public Executor(ComputeGraph graph, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(backend);
        foreach (var node in graph.Nodes.Where(n => !backend.Supports(n.Kind)))
        {
            throw new CnnGpuException($"Backend '{backend.Name}' cannot run {node}: no kernel for op {node.Kind}.");
        }

        Graph = graph;
        Backend = backend;
        _constants = new IDeviceBuffer?[graph.Values.Length];
        try
        {
            foreach (var value in graph.Parameters)
            {
                var buffer = backend.Allocate(value.Constant!.Shape.ElementCount);
                _constants[value.Id] = buffer;
                backend.Upload(value.Constant.Data, buffer);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The network.</summary>
    public ComputeGraph Graph { get; }

    /// <summary>Where it runs.</summary>
    public IBackend Backend { get; }

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        int batch = CheckInputs(inputs);
        var plan = PlanFor(batch);
        for (int i = 0; i < inputs.Length; i++)
        {
            Backend.Upload(inputs[i].Data, plan.Buffers[Graph.Inputs[i].ValueId]!);
        }

        foreach (var launch in plan.Launches)
        {
            Backend.Execute(launch);
        }

        Backend.Synchronize();
        return [.. Graph.Outputs.Select(id =>
        {
            var result = new Tensor(plan.Shapes[id]);
            Backend.Download(plan.Buffers[id]!, result.Data);
            return result;
        })];
    }

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
        foreach (var buffer in _constants)
        {
            buffer?.Dispose();
        }
    }

    private int CheckInputs(Tensor[] inputs)
    {
        if (inputs.Length != Graph.Inputs.Length)
        {
            throw new ArgumentException($"Graph '{Graph.Name}' takes {Graph.Inputs.Length} input(s), got {inputs.Length}.", nameof(inputs));
        }

        int batch = inputs.Length > 0 ? inputs[0].Shape[0] : 1;
        for (int i = 0; i < inputs.Length; i++)
        {
            var declared = Graph.Inputs[i];
            var shape = inputs[i].Shape;
            var expected = new TensorShape([batch, .. declared.ItemShape.Dimensions]);
            if (!shape.Equals(expected))
            {
                throw new ShapeMismatchException(
                    $"Input '{Graph.Values[declared.ValueId].Name}' of graph '{Graph.Name}' expects [N, {string.Join(", ", declared.ItemShape.Dimensions)}] (here {expected}), got {shape}.");
            }
        }

        return batch;
    }

    private BatchPlan PlanFor(int batch)
    {
        if (_plans.TryGetValue(batch, out var plan))
        {
            return plan;
        }

        var shapes = ShapeInference.Infer(Graph, batch);
        plan = new BatchPlan(shapes, (IDeviceBuffer?[])_constants.Clone());
        try
        {
            foreach (var input in Graph.Inputs)
            {
                plan.Own(input.ValueId, Backend.Allocate(shapes[input.ValueId].ElementCount));
            }

            foreach (var node in Graph.Nodes)
            {
                plan.Own(node.Output, Backend.Allocate(shapes[node.Output].ElementCount));
            }

            foreach (var node in Graph.Nodes)
            {
                plan.Launches.Add(new NodeLaunch(
                    node,
                    [.. node.Inputs.Select(id => plan.Buffers[id]!)],
                    [.. node.Inputs.Select(id => shapes[id])],
                    plan.Buffers[node.Output]!,
                    shapes[node.Output]));
            }
        }
        catch
        {
            plan.Dispose();
            throw;
        }

        _plans[batch] = plan;
        return plan;
    }

    /// <summary>Shapes, buffers and prepared launches for one batch size.</summary>
    private sealed class BatchPlan(TensorShape[] shapes, IDeviceBuffer?[] buffers) : IDisposable
    {
        private readonly List<IDeviceBuffer> _owned = [];

        public TensorShape[] Shapes { get; } = shapes;

        public IDeviceBuffer?[] Buffers { get; } = buffers;

        public List<NodeLaunch> Launches { get; } = [];

        public void Own(int valueId, IDeviceBuffer buffer)
        {
            _owned.Add(buffer);
            Buffers[valueId] = buffer;
        }

        public void Dispose()
        {
            foreach (var buffer in _owned)
            {
                buffer.Dispose();
            }

            _owned.Clear();
        }
    }
}
