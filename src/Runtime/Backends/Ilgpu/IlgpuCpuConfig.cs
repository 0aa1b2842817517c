using ILGPU.Runtime.CPU;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>
/// The CPU accelerator's simulated device, sized to this machine: one simulated multiprocessor
/// per core. Each simulated thread of a group is an OS thread synchronised by barriers, so groups
/// are small (16 threads): measured on 2 cores, (4 threads/warp, 16 warps) made small kernels
/// ~1.7× slower and raised launch overhead from 0.15 ms to 1.1 ms, while 16-thread groups still
/// exercise the GEMM's cooperative shared-memory tiles.
/// </summary>
internal static class IlgpuCpuConfig
{
    /// <summary>Threads per simulated warp.</summary>
    public const int ThreadsPerWarp = 4;

    /// <summary>Warps per simulated multiprocessor (max group = 4 · 4 = 16 threads).</summary>
    public const int WarpsPerMultiprocessor = 4;

    /// <summary>
    /// A device with one simulated multiprocessor per core, or the shape given by the environment
    /// variable <c>CNNGPU_ILGPU_CPU=threadsPerWarp,warpsPerMultiprocessor,multiprocessors</c>.
    /// </summary>
    public static CPUDevice CreateDevice()
    {
        if (Environment.GetEnvironmentVariable("CNNGPU_ILGPU_CPU") is { Length: > 0 } custom)
        {
            int[] parts = [.. custom.Split(',').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];
            if (parts.Length == 3 && parts[0] >= 2 && parts[1] >= 1 && parts[2] >= 1)
            {
                return new CPUDevice(parts[0], parts[1], parts[2]);
            }

            throw new DeviceException($"CNNGPU_ILGPU_CPU='{custom}' must be threadsPerWarp(≥2),warpsPerMultiprocessor(≥1),multiprocessors(≥1).");
        }

        return new(ThreadsPerWarp, WarpsPerMultiprocessor, Math.Max(1, Environment.ProcessorCount));
    }
}
