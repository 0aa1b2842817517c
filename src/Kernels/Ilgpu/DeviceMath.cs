using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>
/// Transcendental functions built only on operations every ILGPU backend lowers natively
/// (PTX <c>ex2.approx.f32</c>/<c>lg2.approx.f32</c>, OpenCL <c>exp2</c>/<c>log2</c>, .NET on the CPU
/// accelerator). <c>MathF.Exp</c>/<c>MathF.Pow</c> would become IR nodes that the PTX backend can
/// only lower when the context enables LibDevice or ILGPU.Algorithms; these helpers need neither.
/// </summary>
internal static class DeviceMath
{
    private const float Log2E = 1.44269504088896341f;

    /// <summary><c>e^x</c> as <c>2^(x·log2 e)</c>; underflows to 0 and overflows to +∞ like <c>MathF.Exp</c>.</summary>
    public static float Exp(float x) => IntrinsicMath.CPUOnly.Exp2(x * Log2E);

    /// <summary><c>b^e</c> for <c>b &gt; 0</c> as <c>2^(e·log2 b)</c>.</summary>
    public static float PowPositive(float b, float e) => IntrinsicMath.CPUOnly.Exp2(e * IntrinsicMath.CPUOnly.Log2(b));

    /// <summary>Logistic function that never overflows: <c>e = exp(−|x|) ∈ (0, 1]</c>.</summary>
    public static float Sigmoid(float x)
    {
        float e = Exp(-IntrinsicMath.Abs(x));
        float s = 1f / (1f + e);
        return x >= 0f ? s : e * s;
    }
}
