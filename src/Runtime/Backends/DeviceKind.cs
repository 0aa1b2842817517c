namespace CnnGpu.Runtime.Backends;

/// <summary>The kinds of device a backend can run on.</summary>
public enum DeviceKind
{
    /// <summary>The scalar reference kernels on the host.</summary>
    Reference,

    /// <summary>ILGPU's CPU accelerator (a GPU simulator: correct, slow).</summary>
    IlgpuCpu,

    /// <summary>The SIMD CPU backend (AVX-512, AVX2 or 128-bit vectors on every core): the fast path without a GPU.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,

    /// <summary>An OpenCL 2.0+ GPU through ILGPU's OpenCL backend.</summary>
    OpenCL,
}

/// <summary>A device a backend can be opened on.</summary>
/// <param name="Id">What to pass to <see cref="BackendFactory.Open"/>: <c>reference</c>, <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda:0</c>, <c>opencl:0</c>.</param>
/// <param name="Kind">Device kind.</param>
/// <param name="Name">Device name as the driver reports it.</param>
/// <param name="MemoryBytes">Device memory, or −1 when unbounded/unknown (host memory).</param>
/// <param name="ComputeUnits">Multiprocessors or compute units.</param>
/// <param name="MaxThreadsPerGroup">Largest thread group.</param>
/// <param name="WarpSize">Threads per warp/wavefront (floats per vector for the SIMD CPU backend).</param>
public sealed record DeviceInfo(string Id, DeviceKind Kind, string Name, long MemoryBytes, int ComputeUnits, int MaxThreadsPerGroup, int WarpSize);

/// <summary>Whether a GPU kind is usable here: its device count and, when zero, why.</summary>
/// <param name="Kind"><see cref="DeviceKind.Cuda"/> or <see cref="DeviceKind.OpenCL"/>.</param>
/// <param name="Devices">Devices found.</param>
/// <param name="Reason">Why none was found (driver missing, runtime error, no device); null when some were.</param>
public sealed record GpuAvailability(DeviceKind Kind, int Devices, string? Reason);
