using ILGPU.Runtime.CPU;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>
/// The CPU accelerator's simulated device, sized to this machine. Each simulated thread of a
/// group is an OS thread synchronised by barriers, so groups are kept small on few cores.
/// </summary>
internal static class IlgpuCpuConfig
{
    /// <summary>Threads per simulated warp.</summary>
    public const int ThreadsPerWarp = 4;

    /// <summary>Warps per simulated multiprocessor (max group = 4 · 16 = 64 threads).</summary>
    public const int WarpsPerMultiprocessor = 16;

    /// <summary>A device with one simulated multiprocessor per core.</summary>
    public static CPUDevice CreateDevice() =>
        new(ThreadsPerWarp, WarpsPerMultiprocessor, Math.Max(1, Environment.ProcessorCount));
}
