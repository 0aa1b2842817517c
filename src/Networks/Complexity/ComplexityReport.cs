using System.Collections.Immutable;

namespace CnnGpu.Networks.Complexity;

/// <summary>A network's per-layer complexity and totals, for one image.</summary>
/// <param name="Network">Network name.</param>
/// <param name="Input">Input shape of one image (C, H, W).</param>
/// <param name="Layers">One row per node, in execution order.</param>
public sealed record ComplexityReport(string Network, ImmutableArray<int> Input, ImmutableArray<LayerComplexity> Layers)
{
    /// <summary>Total learned parameters.</summary>
    public long TotalParams => Layers.Sum(l => l.Params);

    /// <summary>Total multiply-accumulates.</summary>
    public long TotalMacs => Layers.Sum(l => l.Macs);

    /// <summary>Sum of every layer's output activation memory (nothing reused).</summary>
    public long TotalActivationBytes => Layers.Sum(l => l.ActivationBytes);

    /// <summary>The layers of one block (paper-table row).</summary>
    /// <param name="block">Block name.</param>
    public IEnumerable<LayerComplexity> InBlock(string block) => Layers.Where(l => l.Block == block);

    /// <summary>The row of a node by name.</summary>
    /// <param name="name">Node name.</param>
    public LayerComplexity Layer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name) ?? throw new KeyNotFoundException($"{Network} has no layer '{name}'.");
}
