using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Passes;

/// <summary>The standard inference pipeline: remove no-ops, fold batch norms, fuse activations, fuse residual adds into convolutions.</summary>
public static class GraphOptimizer
{
    /// <summary>The passes in the order they run.</summary>
    public static IReadOnlyList<IGraphPass> DefaultPasses { get; } =
        [new RemoveNoOpsPass(), new FoldBatchNormPass(), new FuseActivationPass(), new FuseResidualAddPass()];

    /// <summary>Runs <paramref name="passes"/> (default: <see cref="DefaultPasses"/>) over <paramref name="graph"/>.</summary>
    /// <param name="graph">The graph to optimise.</param>
    /// <param name="passes">Passes to run, in order.</param>
    public static ComputeGraph Optimize(ComputeGraph graph, IEnumerable<IGraphPass>? passes = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var pass in passes ?? DefaultPasses)
        {
            graph = pass.Apply(graph);
        }

        return graph;
    }
}
