using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Backends.Cpu;

namespace CnnGpu.Perf.Common;

/// <summary>What a result file records about the machine it was measured on.</summary>
public static class MachineInfo
{
    /// <summary>The CPU model (<c>/proc/cpuinfo</c> on Linux), as the cpu backend reports it.</summary>
    public static string CpuModel => CpuBackend.ProcessorName;

    /// <summary>Logical processors this process may use.</summary>
    public static int Cores => Environment.ProcessorCount;

    /// <summary>The SIMD path the cpu backend takes here, e.g. <c>AVX-512 (16 floats)</c>.</summary>
    public static string SimdPath => SimdCapabilities.Widest is { } width ? SimdCapabilities.Describe(width) : "none (no SIMD unit the kernels use)";

    /// <summary>
    /// The 1-minute load average (Linux <c>/proc/loadavg</c>), or null elsewhere: on a shared machine a load
    /// above the core count says other work was competing with the timings.
    /// </summary>
    public static double? LoadAverage()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/loadavg"))
        {
            return null;
        }

        string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double load) ? load : null;
    }

    /// <summary>One line for report headers.</summary>
    public static string Summary => $"{CpuModel}, {Cores} logical cores, SIMD path {SimdPath}";
}
