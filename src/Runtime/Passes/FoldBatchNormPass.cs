using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Passes;

/// <summary>
/// Folds an inference batch norm into the convolution or fully connected layer before it:
/// with <c>s = γ/√(var + ε)</c>, <c>W'[k] = s[k]·W[k]</c> and <c>b'[k] = s[k]·(b[k] − mean[k]) + β[k]</c>
/// (computed in double). Applies only when the layer's output feeds nothing but the batch norm,
/// its weights are used by no other node, and it has no fused activation yet.
/// </summary>
public sealed class FoldBatchNormPass : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "fold-batchnorm";

    /// <inheritdoc/>
    public ComputeGraph Apply(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var editor = new GraphEditor(graph);
        for (int i = 0; i < editor.Nodes.Count; i++)
        {
            if (editor.Nodes[i] is not { Kind: OpKind.BatchNorm } bn || bn.Inputs.Skip(1).Any(id => !editor.Value(id).IsConstant))
            {
                continue;
            }

            int producerIndex = editor.ProducerOf(bn.Inputs[0]);
            if (producerIndex < 0 || editor.Nodes[producerIndex] is not { } layer || !CanFold(editor, layer, bn))
            {
                continue;
            }

            Fold(editor, producerIndex, layer, bn);
            editor.Remove(i);
        }

        return editor.Build();
    }

    private static bool CanFold(GraphEditor editor, Node layer, Node bn)
    {
        bool foldable = layer.Attributes switch
        {
            Conv2dAttrs c => c.Activation == FusedActivation.None && !c.Residual,
            FullyConnectedAttrs f => f.Activation == FusedActivation.None,
            _ => false,
        };
        return foldable
            && editor.ConsumersOf(layer.Output).Count == 1
            && !editor.IsGraphOutput(layer.Output)
            && layer.Inputs.Skip(1).All(id => editor.Value(id).IsConstant && editor.ConsumersOf(id).Count == 1);
    }

    private static void Fold(GraphEditor editor, int index, Node layer, Node bn)
    {
        float epsilon = ((BatchNormAttrs)bn.Attributes).Epsilon;
        var gamma = editor.Value(bn.Inputs[1]).Constant!.Data;
        var beta = editor.Value(bn.Inputs[2]).Constant!.Data;
        var mean = editor.Value(bn.Inputs[3]).Constant!.Data;
        var variance = editor.Value(bn.Inputs[4]).Constant!.Data;
        int channels = gamma.Length;
        var scale = new double[channels];
        for (int k = 0; k < channels; k++)
        {
            scale[k] = gamma[k] / Math.Sqrt(variance[k] + (double)epsilon);
        }

        var weight = editor.Value(layer.Inputs[1]).Constant!;
        bool transposed = layer.Attributes is FullyConnectedAttrs { TransposedWeight: true };
        editor.SetConstant(layer.Inputs[1], ScaleWeights(weight, scale, transposed));

        var oldBias = layer.Inputs.Length > 2 ? editor.Value(layer.Inputs[2]).Constant!.Data : null;
        var bias = new float[channels];
        for (int k = 0; k < channels; k++)
        {
            bias[k] = (float)((scale[k] * ((oldBias?[k] ?? 0.0) - mean[k])) + beta[k]);
        }

        var biasTensor = new Tensor(new TensorShape(channels), bias);
        int biasId;
        if (layer.Inputs.Length > 2)
        {
            biasId = layer.Inputs[2];
            editor.SetConstant(biasId, biasTensor);
        }
        else
        {
            biasId = editor.AddConstant($"{layer.Name}.bias", biasTensor);
        }

        // The layer now writes the batch norm's output directly.
        editor.Replace(index, layer with { Inputs = [layer.Inputs[0], layer.Inputs[1], biasId], Output = bn.Output });
    }

    private static Tensor ScaleWeights(Tensor weight, double[] scale, bool transposed)
    {
        var data = new float[weight.Data.Length];
        int channels = scale.Length;
        int perChannel = data.Length / channels;
        for (int i = 0; i < data.Length; i++)
        {
            // [out, ...] weights scale by row; transposed FC weights [in, out] scale by column.
            int k = transposed ? i % channels : i / perChannel;
            data[i] = (float)(weight.Data[i] * scale[k]);
        }

        return new Tensor(weight.Shape, data);
    }
}
