using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Complexity;

/// <summary>
/// Tracks each value's receptive field and jump (input pixels between neighbouring outputs)
/// along the vertical axis: <c>rf' = rf + (k − 1)·dilation·jump</c>, <c>jump' = jump·stride</c>.
/// Branches merge by taking the widest input; global pooling and flattening a spatial map see
/// the whole input.
/// </summary>
internal sealed class ReceptiveFields
{
    private readonly int[] _field;
    private readonly int[] _jump;

    public ReceptiveFields(int values)
    {
        _field = Enumerable.Repeat(1, values).ToArray();
        _jump = Enumerable.Repeat(1, values).ToArray();
    }

    public int Of(int value) => _field[value];

    public void Propagate(Node node, TensorShape[] shapes)
    {
        int source = node.Inputs[0];
        foreach (int id in node.Inputs.Where(id => _field[id] > _field[source]))
        {
            source = id;
        }

        int field = _field[source], jump = _jump[source];
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
                if (node.Kind is OpKind.GlobalAvgPool || (node.Kind is OpKind.Flatten && input.Rank == 4))
                {
                    field += (input[2] - 1) * jump;
                    jump *= input[2];
                }

                break;
        }

        _field[node.Output] = field;
        _jump[node.Output] = jump;
    }
}
