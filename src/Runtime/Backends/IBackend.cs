using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends;

/// <summary>Memory owned by a backend (host array or device buffer). Dispose to release it.</summary>
public interface IDeviceBuffer : IDisposable
{
    /// <summary>Capacity in float32 elements.</summary>
    int Length { get; }
}

/// <summary>Everything a backend needs to run one node: operands and their shapes.</summary>
/// <param name="Node">The node.</param>
/// <param name="Inputs">Input buffers, in the node's order.</param>
/// <param name="InputShapes">Their shapes.</param>
/// <param name="Output">The output buffer.</param>
/// <param name="OutputShape">Its shape.</param>
public sealed record NodeLaunch(
    Node Node, IReadOnlyList<IDeviceBuffer> Inputs, IReadOnlyList<TensorShape> InputShapes,
    IDeviceBuffer Output, TensorShape OutputShape);

/// <summary>
/// A place kernels run: the scalar reference, or an ILGPU accelerator (CUDA, OpenCL, CPU).
/// Launches may be asynchronous; <see cref="Synchronize"/> and <see cref="Download"/> wait.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Backend name as the CLI spells it: <c>reference</c>, <c>ilgpu-cpu</c>, <c>cuda</c>, <c>opencl</c>.</summary>
    string Name { get; }

    /// <summary>Human-readable device description.</summary>
    string DeviceName { get; }

    /// <summary>Whether this backend has a kernel for <paramref name="kind"/>.</summary>
    /// <param name="kind">An op.</param>
    bool Supports(OpKind kind);

    /// <summary>Allocates a buffer of <paramref name="length"/> floats.</summary>
    /// <param name="length">Elements (0 allowed).</param>
    IDeviceBuffer Allocate(int length);

    /// <summary>A view of part of <paramref name="buffer"/> (an arena slot); disposing the view frees nothing.</summary>
    /// <param name="buffer">A buffer of this backend.</param>
    /// <param name="offset">First element.</param>
    /// <param name="length">Elements.</param>
    IDeviceBuffer Slice(IDeviceBuffer buffer, int offset, int length);

    /// <summary>What this backend's live buffers hold (for leak checks and reports).</summary>
    AllocationCounter Allocations { get; }

    /// <summary>Copies host data into the start of <paramref name="destination"/>.</summary>
    /// <param name="source">Host values.</param>
    /// <param name="destination">A buffer of this backend.</param>
    void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination);

    /// <summary>Waits for pending work and copies the start of <paramref name="source"/> to the host.</summary>
    /// <param name="source">A buffer of this backend.</param>
    /// <param name="destination">Host values.</param>
    void Download(IDeviceBuffer source, Span<float> destination);

    /// <summary>Launches the kernel of one node.</summary>
    /// <param name="launch">The node and its operands.</param>
    void Execute(NodeLaunch launch);

    /// <summary>Waits until every launched kernel has finished.</summary>
    void Synchronize();
}
