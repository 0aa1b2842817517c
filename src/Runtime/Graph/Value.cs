using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Graph;

/// <summary>
/// A value flowing through a graph: a graph input (shape without batch), a constant (weights,
/// full shape and data), or an intermediate produced by a node (shape inferred per batch).
/// </summary>
/// <param name="Id">Index in <see cref="ComputeGraph.Values"/>.</param>
/// <param name="Name">Unique name (parameters are named like <c>conv1.weight</c>).</param>
/// <param name="Constant">The data of a constant, else null.</param>
public sealed record Value(int Id, string Name, Tensor? Constant)
{
    /// <summary>True for weights and other constants.</summary>
    public bool IsConstant => Constant is not null;
}
