using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Passes;

/// <summary>
/// Fuses a ReLU into the kernel that produces its input — convolution or fully connected
/// (bias + ReLU epilogue) and residual add (add + ReLU) — so no separate pass over memory is
/// launched. Applies only when the producer's output feeds nothing but the ReLU.
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
            if (editor.Nodes[i] is not { Kind: OpKind.Relu } relu)
            {
                continue;
            }

            int producerIndex = editor.ProducerOf(relu.Inputs[0]);
            if (producerIndex < 0 || editor.Nodes[producerIndex] is not { } producer
                || editor.ConsumersOf(producer.Output).Count != 1 || editor.IsGraphOutput(producer.Output))
            {
                continue;
            }

            OpAttributes? fused = producer.Attributes switch
            {
                Conv2dAttrs { Activation: FusedActivation.None } c => c with { Activation = FusedActivation.Relu },
                FullyConnectedAttrs { Activation: FusedActivation.None } f => f with { Activation = FusedActivation.Relu },
                NoAttrs when producer.Kind == OpKind.Add => new AddAttrs(FusedActivation.Relu),
                AddAttrs { Activation: FusedActivation.None } => new AddAttrs(FusedActivation.Relu),
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
