using System.Diagnostics.CodeAnalysis;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends;

/// <summary>Memory owned by a backend (host array or device buffer). Dispose to release it.</summary>
public interface IDeviceBuffer : IDisposable
{
    /// <summary>Capacity in float32 elements.</summary>
    int Length { get; }
}

/// <summary>
/// A place kernels run: the scalar reference, the SIMD CPU backend, or an ILGPU accelerator
/// (CUDA, OpenCL, CPU simulator). A plan asks the backend once per node to
/// <see cref="Prepare"/> it; running the plan then only launches the prepared kernels.
/// Launches may be asynchronous; <see cref="Synchronize"/> and <see cref="Download"/> wait.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Backend name as the CLI spells it: <c>reference</c>, <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda</c>, <c>opencl</c>.</summary>
    string Name { get; }

    /// <summary>Human-readable device description.</summary>
    string DeviceName { get; }

    /// <summary>What this backend's live buffers hold (for leak checks and reports).</summary>
    AllocationCounter Allocations { get; }

    /// <summary>Whether this backend can run the node of <paramref name="request"/> with its shapes and layouts.</summary>
    /// <param name="request">The node, its operands and output shape.</param>
    /// <param name="reason">Why not, when it cannot.</param>
    bool Supports(KernelRequest request, [NotNullWhen(false)] out string? reason);

    /// <summary>Prepares one node: chooses its algorithm, packs or uploads its constants, fixes its launch geometry.</summary>
    /// <param name="request">The node, its operands and output shape.</param>
    /// <param name="constants">Shared device copies of constants (flat or in a packed form).</param>
    /// <exception cref="UnsupportedNodeException">The backend cannot run this node (the message names it and says why).</exception>
    IPreparedKernel Prepare(KernelRequest request, IConstantStore constants);

    /// <summary>A kernel that converts a tensor of <paramref name="shape"/> from one layout to another.</summary>
    /// <param name="shape">The logical shape.</param>
    /// <param name="source">The layout it is stored in.</param>
    /// <param name="target">The layout to write.</param>
    /// <exception cref="UnsupportedNodeException">The backend does not convert between these layouts.</exception>
    IPreparedKernel PrepareConversion(TensorShape shape, TensorLayout source, TensorLayout target);

    /// <summary>Allocates a buffer of <paramref name="length"/> floats.</summary>
    /// <param name="length">Elements (0 allowed).</param>
    IDeviceBuffer Allocate(int length);

    /// <summary>A view of part of <paramref name="buffer"/> (an arena slot); disposing the view frees nothing.</summary>
    /// <param name="buffer">A buffer of this backend.</param>
    /// <param name="offset">First element.</param>
    /// <param name="length">Elements.</param>
    IDeviceBuffer Slice(IDeviceBuffer buffer, int offset, int length);

    /// <summary>Copies host data into the start of <paramref name="destination"/>.</summary>
    /// <param name="source">Host values.</param>
    /// <param name="destination">A buffer of this backend.</param>
    void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination);

    /// <summary>Waits for pending work and copies the start of <paramref name="source"/> to the host.</summary>
    /// <param name="source">A buffer of this backend.</param>
    /// <param name="destination">Host values.</param>
    void Download(IDeviceBuffer source, Span<float> destination);

    /// <summary>Waits until every launched kernel has finished.</summary>
    void Synchronize();

    /// <summary>
    /// Host staging for <paramref name="buffer"/> (a plan's input or output), reused across runs: queued copies
    /// through page-locked memory on accelerators, direct copies on the CPU backends.
    /// </summary>
    /// <param name="buffer">A buffer of this backend, exactly the size of the values it carries.</param>
    IHostStaging CreateStaging(IDeviceBuffer buffer) => new DirectStaging(this, buffer);
}
