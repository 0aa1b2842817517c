using System.Collections.Immutable;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// A graph lowered onto one backend for one batch size: a prepared kernel per node, plus a
/// conversion step wherever a kernel reads a layout its producer did not write, and at the end for
/// every graph output not already in NCHW. Conversions create values with ids after the graph's.
/// </summary>
internal sealed class LoweredSchedule
{
    private readonly ComputeGraph _graph;
    private readonly IBackend _backend;
    private readonly List<TensorShape> _shapes;
    private readonly List<TensorLayout> _layouts;
    private readonly List<string> _names;
    private readonly Dictionary<(int Value, TensorLayout Layout), int> _converted = [];
    private readonly List<IDisposable> _owner;

    public LoweredSchedule(ComputeGraph graph, IReadOnlyList<TensorShape> shapes, IBackend backend, IConstantStore constants, PlanSettings settings, List<IDisposable> owner)
    {
        _graph = graph;
        _backend = backend;
        _owner = owner;
        _shapes = [.. shapes];   // null for values no node produces or reads (orphans a pass left behind)
        _layouts = [.. Enumerable.Repeat(TensorLayout.Nchw, shapes.Count)];
        _names = [.. graph.Values.Select(v => v.Name)];
        foreach (var node in graph.Nodes)
        {
            var request = new KernelRequest(
                node,
                [.. node.Inputs.Select(id => new KernelOperand(id, _shapes[id], _layouts[id], graph.Values[id].Constant))],
                _shapes[node.Output],
                settings.Algorithms?.Invoke(node));
            var kernel = backend.Prepare(request, constants);
            owner.Add(kernel);
            int[] inputs = [.. node.Inputs];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!IsConstant(inputs[i]) && kernel.InputLayout(i) != _layouts[inputs[i]])
                {
                    inputs[i] = Convert(inputs[i], kernel.InputLayout(i));
                }
            }

            if (!kernel.OutputLayout.AppliesTo(_shapes[node.Output]))
            {
                throw new CnnGpuException($"Backend '{backend.Name}' prepared {node} to write {kernel.OutputLayout}, which a {_shapes[node.Output]} tensor cannot use.");
            }

            _layouts[node.Output] = kernel.OutputLayout;
            Steps.Add(new LoweredStep(node.Name, node, kernel, [.. inputs], node.Output, settings.MemoryPlan.InPlaceKinds.Contains(node.Kind) && kernel.SupportsInPlace));
        }

        Outputs = [.. graph.Outputs.Select(id => _layouts[id] == TensorLayout.Nchw ? id : Convert(id, TensorLayout.Nchw))];
        foreach (var step in Steps.Where(s => s.Node?.Kind == OpKind.Concat).ToList())
        {
            TryWriteInPlace(step);
        }
    }

    /// <summary>Values written straight into a concatenation's output (value → where in which root).</summary>
    public Dictionary<int, ValueAlias> Aliases { get; } = [];

    /// <summary>Every step in execution order.</summary>
    public List<LoweredStep> Steps { get; } = [];

    /// <summary>The value holding each graph output in NCHW (a conversion's value where the producer wrote another layout).</summary>
    public ImmutableArray<int> Outputs { get; }

    /// <summary>Whether <paramref name="id"/> is one of the graph's constants (conversion values never are).</summary>
    /// <param name="id">A value id of the schedule.</param>
    public bool IsConstant(int id) => id < _graph.Values.Length && _graph.Values[id].IsConstant;

    /// <summary>Graph values plus conversion values.</summary>
    public int ValueCount => _shapes.Count;

    /// <summary>Floats each value occupies in the layout its producer writes.</summary>
    public IReadOnlyList<int> StorageLengths => [.. _shapes.Select((s, id) => s is null ? 0 : _layouts[id].StorageLength(s))];

    /// <summary>The planner's view: graph outputs (in NCHW) live outside the arena; an elided concatenation reads nothing.</summary>
    public Schedule ToSchedule() =>
        new([.. Steps.Select(s => new ScheduledStep(s.Elided ? [] : s.Inputs, s.Output, s.MayRunInPlace))], StorageLengths, Outputs.ToHashSet())
        {
            Aliases = Aliases,
        };

    /// <summary>
    /// Elides a concatenation whose inputs can all be written where they belong in its output: each is produced
    /// by a kernel that can write strided images, in the concatenation's layout, and read by nothing else.
    /// </summary>
    private void TryWriteInPlace(LoweredStep concat)
    {
        if (Outputs.Contains(concat.Output) || concat.Inputs.Distinct().Count() != concat.Inputs.Length)
        {
            return;
        }

        var shape = _shapes[concat.Output];
        var layout = concat.Kernel.OutputLayout;
        int imageStride = layout.StorageLength(shape) / shape[0], spatial = shape.CountFrom(2);
        var producers = new List<(IStridedOutputKernel Kernel, int Value, int Offset)>();
        int channels = 0;
        foreach (int input in concat.Inputs)
        {
            var producer = Steps.FirstOrDefault(s => s.Output == input);
            bool readOnce = Steps.Count(s => s.Inputs.Contains(input)) == 1 && !Outputs.Contains(input);
            bool aligned = channels % layout.ChannelBlock == 0;
            if (producer?.Kernel is not IStridedOutputKernel strided || !readOnce || !aligned || _layouts[input] != layout || Aliases.ContainsKey(input) || !strided.CanUseOutputImageStride(imageStride))
            {
                return;
            }

            producers.Add((strided, input, channels * spatial));
            channels += _shapes[input][1];
        }

        foreach (var (kernel, value, offset) in producers)
        {
            kernel.UseOutputImageStride(imageStride);
            Aliases[value] = new ValueAlias(concat.Output, offset);
        }

        int index = Steps.IndexOf(concat);
        Steps[index] = concat with { Elided = true };
    }

    /// <summary>The value holding <paramref name="value"/> in <paramref name="layout"/>, adding one conversion step per (value, layout).</summary>
    private int Convert(int value, TensorLayout layout)
    {
        if (_converted.TryGetValue((value, layout), out int existing))
        {
            return existing;
        }

        var kernel = _backend.PrepareConversion(_shapes[value], _layouts[value], layout);
        _owner.Add(kernel);
        int id = _shapes.Count;
        _shapes.Add(_shapes[value]);
        _layouts.Add(layout);
        string name = $"{_names[value]}→{layout}";
        _names.Add(name);
        _converted[(value, layout)] = id;
        Steps.Add(new LoweredStep(name, null, kernel, [value], id, false));
        return id;
    }
}

/// <summary>One step of a lowered schedule: a node's kernel, or a layout conversion (no node).</summary>
/// <param name="Name">The node's name or the conversion's.</param>
/// <param name="Node">The node; null for a conversion.</param>
/// <param name="Kernel">The prepared kernel.</param>
/// <param name="Inputs">Value ids it reads (constants included, as the node lists them).</param>
/// <param name="Output">The value id it writes.</param>
/// <param name="MayRunInPlace">Whether the planner may give it its first input's storage.</param>
internal sealed record LoweredStep(string Name, Node? Node, IPreparedKernel Kernel, ImmutableArray<int> Inputs, int Output, bool MayRunInPlace)
{
    /// <summary>True for a concatenation whose producers write its output directly: it launches nothing.</summary>
    public bool Elided { get; init; }
}
