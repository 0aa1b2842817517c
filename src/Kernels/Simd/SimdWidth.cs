using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CnnGpu.Kernels.Simd;

/// <summary>The vector widths the SIMD kernels are compiled for.</summary>
public enum SimdWidth
{
    /// <summary>128-bit vectors (4 floats): SSE/AVX on x64, NEON on ARM64.</summary>
    V128 = 128,

    /// <summary>256-bit vectors (8 floats): AVX2 with FMA.</summary>
    V256 = 256,

    /// <summary>512-bit vectors (16 floats): AVX-512.</summary>
    V512 = 512,
}

/// <summary>What this CPU's vector units can run, decided once at start-up.</summary>
public static class SimdCapabilities
{
    /// <summary>The widest width this machine runs in hardware, or null when it has no SIMD unit the kernels can use.</summary>
    public static SimdWidth? Widest { get; } =
        IsAccelerated(SimdWidth.V512) ? SimdWidth.V512
        : IsAccelerated(SimdWidth.V256) ? SimdWidth.V256
        : IsAccelerated(SimdWidth.V128) ? SimdWidth.V128
        : null;

    /// <summary>Whether the JIT emits hardware instructions for <paramref name="width"/> here (256-bit also needs FMA).</summary>
    /// <param name="width">A width.</param>
    public static bool IsAccelerated(SimdWidth width) => width switch
    {
        SimdWidth.V512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        SimdWidth.V256 => Vector256.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported),
        SimdWidth.V128 => Vector128.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>Floats per vector.</summary>
    /// <param name="width">A width.</param>
    public static int Floats(SimdWidth width) => (int)width / 32;

    /// <summary>The instruction set a width runs on here, e.g. <c>AVX-512 (16 floats)</c>.</summary>
    /// <param name="width">A width.</param>
    public static string Describe(SimdWidth width)
    {
        string isa = width switch
        {
            SimdWidth.V512 => "AVX-512",
            SimdWidth.V256 => AdvSimd.IsSupported ? "NEON×2" : "AVX2+FMA",
            _ => AdvSimd.IsSupported ? "NEON" : Fma.IsSupported ? "SSE/AVX+FMA" : "SSE",
        };
        return $"{isa} ({Floats(width)} floats)";
    }
}
