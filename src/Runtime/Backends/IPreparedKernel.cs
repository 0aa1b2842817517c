namespace CnnGpu.Runtime.Backends;

/// <summary>
/// One node bound to a backend at plan time: it owns whatever the backend precomputed (packed or
/// transformed weights, the chosen algorithm and tiling, launch geometry), so that running a plan
/// only launches. Dispose it with its plan.
/// </summary>
public interface IPreparedKernel : IDisposable
{
    /// <summary>The algorithm this node runs, e.g. <c>conv/direct 2x12</c>, <c>conv/winograd-4x4</c>, <c>gemm/thin</c>.</summary>
    string Algorithm { get; }

    /// <summary>The layout the kernel writes its output in.</summary>
    TensorLayout OutputLayout { get; }

    /// <summary>Whether the output may share storage with input 0 (the planner then may run the node in place).</summary>
    bool SupportsInPlace { get; }

    /// <summary>The layout the kernel reads activation input <paramref name="index"/> in; the plan converts when the producer's differs.</summary>
    /// <param name="index">Input position (constant inputs are never converted).</param>
    TensorLayout InputLayout(int index);

    /// <summary>Launches the kernel (possibly asynchronously on a device).</summary>
    /// <param name="inputs">One buffer per node input, in order; null for constant inputs, which the kernel took at prepare time.</param>
    /// <param name="output">The output buffer.</param>
    void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output);
}
