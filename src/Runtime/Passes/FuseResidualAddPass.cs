using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;

namespace CnnGpu.Runtime.Passes;

/// <summary>
/// Fuses a residual sum (with its ReLU, when the activation pass already fused one into the add) into
/// the convolution that produces one of its operands: the convolution then adds the skip connection to
/// its result in registers before storing it, and the add's separate pass over memory — reading two
/// tensors and writing a third — disappears. Applies when the operands have the same shape (no batch
/// broadcast), the convolution's output feeds nothing but the add, and the convolution has no fused
/// activation or residual yet. Where both operands are such convolutions (a projection shortcut), the
/// later one absorbs the add. The fused node takes the add's place in the order, so the skip value is
/// always computed before it.
/// </summary>
public sealed class FuseResidualAddPass : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "fuse-residual-add";

    /// <inheritdoc/>
    public ComputeGraph Apply(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var shapes = ShapeInference.Infer(graph, 1);
        var editor = new GraphEditor(graph);
        for (int i = 0; i < editor.Nodes.Count; i++)
        {
            if (editor.Nodes[i] is not { Kind: OpKind.Add } add || !shapes[add.Inputs[0]].Equals(shapes[add.Inputs[1]]))
            {
                continue;
            }

            var activation = add.Attributes is AddAttrs a ? a.Activation : FusedActivation.None;
            int best = -1, skip = -1;
            for (int operand = 0; operand < 2; operand++)
            {
                int producer = editor.ProducerOf(add.Inputs[operand]);
                if (producer > best && Fusable(editor, producer, add.Inputs[operand]))
                {
                    best = producer;
                    skip = add.Inputs[1 - operand];
                }
            }

            if (best < 0)
            {
                continue;
            }

            var conv = editor.Nodes[best]!;
            var attrs = (Conv2dAttrs)conv.Attributes;
            editor.Replace(i, conv with
            {
                Attributes = attrs with { Activation = activation, Residual = true },
                Inputs = [.. conv.Inputs, skip],
                Output = add.Output,
            });
            editor.Remove(best);
        }

        return editor.Build();
    }

    private static bool Fusable(GraphEditor editor, int producer, int value) =>
        producer >= 0
        && editor.Nodes[producer] is { Attributes: Conv2dAttrs { Activation: FusedActivation.None, Residual: false } }
        && editor.ConsumersOf(value).Count == 1
        && !editor.IsGraphOutput(value);
}
