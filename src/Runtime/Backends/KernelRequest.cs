using System.Collections.Immutable;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends;

/// <summary>One input of a node as a backend sees it when preparing the node.</summary>
/// <param name="ValueId">The value's id in the graph (a key for caching what is derived from a constant).</param>
/// <param name="Shape">Its logical shape for this plan's batch size.</param>
/// <param name="Layout">How the producer stores it (always NCHW for constants and graph inputs).</param>
/// <param name="Constant">The data when the input is a constant (weights, bias, a mean image), else null.</param>
public sealed record KernelOperand(int ValueId, TensorShape Shape, TensorLayout Layout, Tensor? Constant)
{
    /// <summary>True when the operand is a constant known at prepare time.</summary>
    public bool IsConstant => Constant is not null;
}

/// <summary>
/// Everything a backend is told when a plan asks it to prepare one node: the node, every input's
/// shape, layout and (for constants) data, the output shape, and optionally an algorithm the caller
/// insists on (tests force each path this way).
/// </summary>
/// <param name="Node">The node.</param>
/// <param name="Inputs">Its inputs, in the node's order.</param>
/// <param name="OutputShape">The output's logical shape.</param>
/// <param name="ForcedAlgorithm">An algorithm name (or its prefix, e.g. <c>conv/winograd</c>) the kernel must use; null lets the backend choose.</param>
public sealed record KernelRequest(Node Node, ImmutableArray<KernelOperand> Inputs, TensorShape OutputShape, string? ForcedAlgorithm = null)
{
    /// <summary>The node's attribute record.</summary>
    public OpAttributes Attributes => Node.Attributes;

    /// <summary>Shape of input <paramref name="index"/>.</summary>
    /// <param name="index">Input position.</param>
    public TensorShape InputShape(int index) => Inputs[index].Shape;

    /// <summary>Whether <paramref name="algorithm"/> is allowed: nothing is forced, or the forced name is its prefix.</summary>
    /// <param name="algorithm">A full algorithm name such as <c>conv/direct 2x12</c>.</param>
    public bool Allows(string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return ForcedAlgorithm is null || algorithm.StartsWith(ForcedAlgorithm, StringComparison.Ordinal);
    }
}
