using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Passes;

/// <summary>
/// Fuses a ReLU into the kernel that produces its input — convolution or fully connected
/// (bias + ReLU epilogue) and residual add (add + ReLU) — so no separate pass over memory is
/// launched; and a ReLU6 (a Clip of exactly (0, 6), MobileNet-v2's activation after nearly every
/// convolution) into a convolution without a fused residual, the one producer every backend's
/// epilogue caps. Applies only when the producer's output feeds nothing but the activation.
/// </summary>
public sealed class FuseActivationPass : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "fuse-activations";

    /// <inheritdoc/>
    public ComputeGraph Apply(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var editor = new GraphEditor(graph);
        for (int i = 0; i < editor.Nodes.Count; i++)
        {
            // The node being fused away: a ReLU, or a Clip to exactly [0, 6].
            var activation = editor.Nodes[i] switch
            {
                { Kind: OpKind.Relu } => FusedActivation.Relu,
                { Kind: OpKind.Clip, Attributes: ClipAttrs { IsRelu6: true } } => FusedActivation.Relu6,
                _ => FusedActivation.None,
            };
            if (activation == FusedActivation.None || editor.Nodes[i] is not { } relu)
            {
                continue;
            }

            int producerIndex = editor.ProducerOf(relu.Inputs[0]);
            if (producerIndex < 0 || editor.Nodes[producerIndex] is not { } producer
                || editor.ConsumersOf(producer.Output).Count != 1 || editor.IsGraphOutput(producer.Output))
            {
                continue;
            }

            OpAttributes? fused = (producer.Attributes, activation) switch
            {
                (Conv2dAttrs { Activation: FusedActivation.None, Residual: false } c, FusedActivation.Relu6) => c with { Activation = activation },
                (_, FusedActivation.Relu6) => null,
                (Conv2dAttrs { Activation: FusedActivation.None } c, _) => c with { Activation = activation },
                (FullyConnectedAttrs { Activation: FusedActivation.None } f, _) => f with { Activation = activation },
                (NoAttrs, _) when producer.Kind == OpKind.Add => new AddAttrs(activation),
                (AddAttrs { Activation: FusedActivation.None }, _) => new AddAttrs(activation),
                _ => null,
            };
            if (fused is null)
            {
                continue;
            }

            editor.Replace(producerIndex, producer with { Attributes = fused, Output = relu.Output });
            editor.Remove(i);
        }

        return editor.Build();
    }
}
