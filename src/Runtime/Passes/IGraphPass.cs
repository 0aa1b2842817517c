using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Passes;

/// <summary>A graph-to-graph rewrite that keeps the network's outputs numerically equivalent.</summary>
public interface IGraphPass
{
    /// <summary>Short name for reports (<c>fold-batchnorm</c>).</summary>
    string Name { get; }

    /// <summary>Returns the rewritten graph (or <paramref name="graph"/> itself when nothing applies).</summary>
    /// <param name="graph">The input graph; never modified.</param>
    ComputeGraph Apply(ComputeGraph graph);
}
