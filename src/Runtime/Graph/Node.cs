using System.Collections.Immutable;

namespace CnnGpu.Runtime.Graph;

/// <summary>One operation of a graph: its kind, attributes, input value ids and output value id.</summary>
/// <param name="Name">Unique name, used in every error and report.</param>
/// <param name="Kind">The operation.</param>
/// <param name="Attributes">The attribute record belonging to <paramref name="Kind"/>.</param>
/// <param name="Inputs">Input value ids, in the op's order (data first, then parameters).</param>
/// <param name="Output">The value id this node produces.</param>
/// <param name="Block">The architecture block it belongs to (a paper-table row such as <c>conv3_x</c> or <c>inception4a</c>), if known.</param>
public sealed record Node(string Name, OpKind Kind, OpAttributes Attributes, ImmutableArray<int> Inputs, int Output, string? Block = null)
{
    /// <summary>Describes the node for messages: <c>Conv2d 'conv1'</c>.</summary>
    public override string ToString() => $"{Kind} '{Name}'";
}
