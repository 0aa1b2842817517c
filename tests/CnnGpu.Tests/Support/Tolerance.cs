using Xunit.Sdk;

namespace CnnGpu.Tests.Support;

/// <summary>Element-wise closeness |a − e| ≤ atol + rtol·|e|, reporting the worst element on failure.</summary>
public static class Tolerance
{
    public const float Atol = 1e-5f;
    public const float Rtol = 1e-4f;

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context, float atol = Atol, float rtol = Rtol)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{context}: expected {expected.Length} values, got {actual.Length}.");
        }

        int worst = -1;
        double worstExcess = 0;
        int failures = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) || float.IsNaN(a) || float.IsInfinity(e) || float.IsInfinity(a))
            {
                if (!e.Equals(a))
                {
                    failures++;
                    worst = worst < 0 ? i : worst;
                    worstExcess = double.PositiveInfinity;
                }

                continue;
            }

            double excess = Math.Abs(a - e) - (atol + (rtol * Math.Abs(e)));
            if (excess > 0)
            {
                failures++;
                if (excess > worstExcess || worst < 0)
                {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }

        if (failures > 0)
        {
            throw new XunitException(
                $"{context}: {failures} of {expected.Length} values differ; worst at [{worst}]: expected {expected[worst]:R}, got {actual[worst]:R} (atol {atol}, rtol {rtol}).");
        }
    }

    public static void AssertExact(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context) =>
        AssertClose(expected, actual, context, 0f, 0f);
}
