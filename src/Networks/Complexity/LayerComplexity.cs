using System.Collections.Immutable;

namespace CnnGpu.Networks.Complexity;

/// <summary>
/// One row of a complexity report: a node of the graph with its shapes and costs for one image.
/// MACs count multiply-accumulates of convolutions and fully connected layers (what the papers'
/// "FLOPs" count); other ops report 0.
/// </summary>
/// <param name="Name">Node name.</param>
/// <param name="Block">The paper-table row it belongs to (<c>conv1</c>, <c>inception3a</c>, <c>conv3_x</c>).</param>
/// <param name="Op">Lowercase op name (<c>conv</c>, <c>fc</c>, <c>maxpool</c>, …).</param>
/// <param name="Input">Shape of the first input for one image (C, H, W or features).</param>
/// <param name="Output">Output shape for one image.</param>
/// <param name="Filters">Filters (conv) or output features (fc); null otherwise.</param>
/// <param name="Kernel">Kernel/window as <c>KHxKW</c>; null when not windowed.</param>
/// <param name="Stride">Stride as <c>SH</c> or <c>SHxSW</c>; null when not windowed.</param>
/// <param name="Pad">Padding (<c>2</c>, or <c>top,left,bottom,right</c>); null when not windowed.</param>
/// <param name="Groups">Convolution groups (1 when not grouped).</param>
/// <param name="Params">Learned parameters: weights + biases (batch norm: γ and β; running statistics excluded).</param>
/// <param name="Weights">Weights only (conv/fc kernels, no biases) — the lecture's AlexNet table counts these.</param>
/// <param name="Macs">Multiply-accumulates for one image.</param>
/// <param name="ActivationBytes">Output activation memory for one image, float32.</param>
/// <param name="ReceptiveField">Local receptive field of one output position, in input rows (vertical, padding
/// included): the window seen through convolutions and pooling windows. Global pooling and an FC over a
/// flattened map count as one window over the whole map; a globally pooled branch merged back into a map
/// (an SE gate) adds no window but sets <see cref="GlobalContext"/>.</param>
/// <param name="GlobalContext">The value also depends on the whole image (through global pooling, a squeeze
/// gate or an FC over a flattened map), beyond its local <see cref="ReceptiveField"/>.</param>
public sealed record LayerComplexity(
    string Name, string Block, string Op, ImmutableArray<int> Input, ImmutableArray<int> Output,
    int? Filters, string? Kernel, string? Stride, string? Pad, int Groups,
    long Params, long Weights, long Macs, long ActivationBytes, int ReceptiveField, bool GlobalContext = false)
{
    /// <summary>The mark <see cref="ReceptiveFieldText"/> appends where a value also sees the whole image.</summary>
    public const string GlobalContextMark = "*";

    /// <summary>The receptive field as tables print it: <c>427</c>, or <c>427*</c> with global context.</summary>
    public string ReceptiveFieldText =>
        ReceptiveField.ToString(System.Globalization.CultureInfo.InvariantCulture) + (GlobalContext ? GlobalContextMark : string.Empty);

    /// <summary>The input shape as <c>64x56x56</c>.</summary>
    public string InputText => Format(Input);

    /// <summary>The output shape as <c>64x56x56</c>.</summary>
    public string OutputText => Format(Output);

    /// <summary>Formats a shape as <c>CxHxW</c>.</summary>
    /// <param name="shape">Dimensions.</param>
    public static string Format(ImmutableArray<int> shape) => string.Join("x", shape);
}
