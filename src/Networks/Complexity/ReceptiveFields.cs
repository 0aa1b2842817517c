using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Complexity;

/// <summary>
/// Tracks each value's local receptive field and jump (input pixels between neighbouring outputs)
/// along the vertical axis: <c>rf' = rf + (k − 1)·dilation·jump</c>, <c>jump' = jump·stride</c>.
/// </summary>
/// <remarks>
/// <para>
/// The field is the <em>local</em> one: the window of input rows that one output position sees
/// through convolutions and pooling windows, unclipped (padding counts, so it may exceed the input,
/// as in the papers' and Araujo et al.'s figures). Global pooling and flattening a spatial map act as
/// a window over the whole map: their field is the union of the fields they pool, and their output
/// is <em>collapsed</em> (no spatial positions left).
/// </para>
/// <para>
/// Where a node merges a spatial input with a collapsed one — an SE gate scaling a feature map by
/// channel weights pooled from the whole image — the collapsed input contributes no window: the
/// field comes from the spatial inputs (the widest, for residual adds and concatenations), and the
/// output is marked as also seeing <em>global context</em>. Taking field and jump from the gate
/// instead compounds the whole-map window once per block (SE-ResNet-50 grew 239 → 13007 → 728015
/// and overflowed). The mark propagates to everything downstream.
/// </para>
/// </remarks>
internal sealed class ReceptiveFields
{
    private readonly ComputeGraph _graph;
    private readonly long[] _field;
    private readonly long[] _jump;
    private readonly bool[] _collapsed;
    private readonly bool[] _global;

    public ReceptiveFields(ComputeGraph graph)
    {
        _graph = graph;
        int values = graph.Values.Length;
        _field = Enumerable.Repeat(1L, values).ToArray();
        _jump = Enumerable.Repeat(1L, values).ToArray();
        _collapsed = new bool[values];
        _global = new bool[values];
    }

    /// <summary>The local field of <paramref name="value"/>, saturated at <see cref="int.MaxValue"/>.</summary>
    public int Of(int value) => (int)Math.Min(_field[value], int.MaxValue);

    /// <summary>Whether <paramref name="value"/> also depends on the whole input (global pooling, an SE gate, an FC over a map).</summary>
    public bool SeesGlobalContext(int value) => _global[value];

    public void Propagate(Node node, TensorShape[] shapes)
    {
        // Parameters carry no field. Spatial inputs decide the window; collapsed ones (pooled gates)
        // only when nothing else is left.
        var data = node.Inputs.Where(id => !_graph.Values[id].IsConstant).ToList();
        if (data.Count == 0)
        {
            return; // a node of constants only (an unfolded import) sees no pixel: field 1, as initialised
        }

        var spatial = data.Where(id => !_collapsed[id]).ToList();
        int source = (spatial.Count > 0 ? spatial : data).MaxBy(id => _field[id]);
        long field = _field[source], jump = _jump[source];
        bool collapsed = spatial.Count == 0;
        bool global = data.Any(id => _global[id]) || spatial.Count < data.Count;
        var input = shapes[node.Inputs[0]];
        switch (node.Attributes)
        {
            case Conv2dAttrs c:
                field += (c.KernelH - 1) * c.DilationH * jump;
                jump *= c.StrideH;
                break;
            case MaxPoolAttrs m:
                field += (m.Window.KernelH - 1) * jump;
                jump *= m.Window.StrideH;
                break;
            case AvgPoolAttrs a:
                field += (a.Window.KernelH - 1) * jump;
                jump *= a.Window.StrideH;
                break;
            default:
                if (!collapsed && (node.Kind is OpKind.GlobalAvgPool || (node.Kind is OpKind.Flatten && input.Rank == 4)))
                {
                    field += (input[2] - 1) * jump;
                    jump *= input[2];
                    collapsed = true;
                    global = true;
                }

                break;
        }

        _field[node.Output] = field;
        _jump[node.Output] = jump;
        _collapsed[node.Output] = collapsed;
        _global[node.Output] = global;
    }
}
