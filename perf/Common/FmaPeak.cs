using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CnnGpu.Perf.Common;

/// <summary>One FMA-peak measurement: what the vector units of this machine deliver right now.</summary>
/// <param name="Loop">The loop that ran, e.g. <c>Vector512 FMA ×16</c>.</param>
/// <param name="Threads">Threads that ran it at once.</param>
/// <param name="GflopsPerSecond">Best of the runs, counting an FMA as 2 flops per lane.</param>
/// <param name="Runs">How many runs the best was taken from.</param>
public sealed record FmaPeakResult(string Loop, int Threads, double GflopsPerSecond, int Runs)
{
    /// <summary>The better of two measurements of the same thread count (e.g. before and after a benchmark run).</summary>
    /// <param name="other">Another measurement.</param>
    public FmaPeakResult Max(FmaPeakResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with { GflopsPerSecond = Math.Max(GflopsPerSecond, other.GflopsPerSecond), Runs = Runs + other.Runs };
    }
}

/// <summary>
/// Measures the machine's floating-point peak with a loop of independent fused multiply-adds, so that
/// kernel throughput can be quoted as a fraction of what the cores can actually do here (the machines
/// these tools run on are shared VMs whose clocks and neighbours vary from day to day; a datasheet
/// figure would mislead). Both perf tools use it, so their "% of peak" columns agree.
/// </summary>
public static class FmaPeak
{
    /// <summary>Runs per measurement: many short runs, because on a shared machine the best one is the one that found the cores free.</summary>
    public const int DefaultRuns = 12;

    // Each run targets this much wall time: long enough that timer and thread start-up are noise
    // (well under 1%), short enough to fit between other processes' time slices on a shared machine.
    private const double TargetSeconds = 0.08;

    private static float _sink;

    /// <summary>The loop <see cref="Measure"/> runs on this machine.</summary>
    public static string Description { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? $"Vector512 FMA ×{Accumulators512}"
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? $"Vector256 FMA ×{Accumulators256}"
        : Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported) ? $"Vector128 FMA ×{Accumulators128}"
        : $"Vector128 mul+add ×{Accumulators128}";

    // Enough independent chains to cover FMA latency × FMA ports (4 cycles × 2 ports on current x64
    // cores = 8 in flight), while leaving registers for the two operands: AVX-512 and NEON have 32
    // vector registers, AVX2 16 (12 accumulators + 2 operands fit without spilling).
    private const int Accumulators512 = 16;
    private const int Accumulators256 = 12;
    private const int Accumulators128 = 12;

    /// <summary>
    /// Runs the FMA loop on <paramref name="threads"/> threads at once, <paramref name="runs"/> times,
    /// and returns the best aggregate rate (the machine is shared: the best run is the one least disturbed).
    /// </summary>
    /// <param name="threads">Threads running the loop concurrently (≥ 1).</param>
    /// <param name="runs">Repetitions; the best is kept.</param>
    public static FmaPeakResult Measure(int threads, int runs = DefaultRuns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);

        // Calibrate on one thread (this also JIT-compiles the loop at full optimisation tier).
        long iterations = 1 << 16;
        double seconds;
        while ((seconds = TimeOne(iterations)) < TargetSeconds / 4)
        {
            iterations *= 2;
        }

        iterations = Math.Max(1, (long)(iterations * TargetSeconds / seconds));
        double best = 0;
        for (int run = 0; run < runs; run++)
        {
            double wall = TimeParallel(threads, iterations);
            best = Math.Max(best, FlopsPerIteration * iterations * threads / wall / 1e9);

            // A short pause spreads the runs over more of the neighbours' scheduling pattern.
            Thread.Sleep(20);
        }

        return new FmaPeakResult(Description, threads, best, runs);
    }

    /// <summary>Flops one loop iteration does: accumulators × lanes × 2.</summary>
    private static long FlopsPerIteration =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Accumulators512 * 16 * 2L
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? Accumulators256 * 8 * 2L
        : Accumulators128 * 4 * 2L;

    private static double TimeOne(long iterations)
    {
        long start = Stopwatch.GetTimestamp();
        Volatile.Write(ref _sink, Loop(iterations));
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double TimeParallel(int threads, long iterations)
    {
        if (threads == 1)
        {
            return TimeOne(iterations);
        }

        // Dedicated threads released together by one gate; the wall time runs from the release to
        // the last thread's end, so a thread the OS delays counts against the peak, as it would in a kernel.
        using var ready = new CountdownEvent(threads);
        using var go = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                ready.Signal();
                go.Wait();
                Volatile.Write(ref _sink, Loop(iterations));
            }) { IsBackground = true, Name = "fma-peak" };
            workers[t].Start();
        }

        ready.Wait();
        long start = Stopwatch.GetTimestamp();
        go.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static float Loop(long iterations) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Loop512(iterations)
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? Loop256(iterations)
        : Loop128(iterations);

    // acc = acc·m + c converges to c / (1 − m) = 1: no overflow and no denormals however long it runs.
    // The accumulators are summed and returned so the JIT cannot drop the loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-6f);
        Vector512<float> a0 = Vector512.Create(0.1f), a1 = Vector512.Create(0.2f), a2 = Vector512.Create(0.3f), a3 = Vector512.Create(0.4f);
        Vector512<float> a4 = Vector512.Create(0.5f), a5 = Vector512.Create(0.6f), a6 = Vector512.Create(0.7f), a7 = Vector512.Create(0.8f);
        Vector512<float> a8 = Vector512.Create(0.9f), a9 = Vector512.Create(1.0f), a10 = Vector512.Create(1.1f), a11 = Vector512.Create(1.2f);
        Vector512<float> a12 = Vector512.Create(1.3f), a13 = Vector512.Create(1.4f), a14 = Vector512.Create(1.5f), a15 = Vector512.Create(1.6f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c);
            a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c);
            a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c);
            a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c);
            a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, c);
            a13 = Avx512F.FusedMultiplyAdd(a13, m, c);
            a14 = Avx512F.FusedMultiplyAdd(a14, m, c);
            a15 = Avx512F.FusedMultiplyAdd(a15, m, c);
        }

        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-6f);
        Vector256<float> a0 = Vector256.Create(0.1f), a1 = Vector256.Create(0.2f), a2 = Vector256.Create(0.3f), a3 = Vector256.Create(0.4f);
        Vector256<float> a4 = Vector256.Create(0.5f), a5 = Vector256.Create(0.6f), a6 = Vector256.Create(0.7f), a7 = Vector256.Create(0.8f);
        Vector256<float> a8 = Vector256.Create(0.9f), a9 = Vector256.Create(1.0f), a10 = Vector256.Create(1.1f), a11 = Vector256.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c);
            a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c);
            a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c);
            a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c);
            a11 = Fma.MultiplyAdd(a11, m, c);
        }

        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop128(long iterations)
    {
        var m = Vector128.Create(0.999999f);
        var c = Vector128.Create(1e-6f);
        Vector128<float> a0 = Vector128.Create(0.1f), a1 = Vector128.Create(0.2f), a2 = Vector128.Create(0.3f), a3 = Vector128.Create(0.4f);
        Vector128<float> a4 = Vector128.Create(0.5f), a5 = Vector128.Create(0.6f), a6 = Vector128.Create(0.7f), a7 = Vector128.Create(0.8f);
        Vector128<float> a8 = Vector128.Create(0.9f), a9 = Vector128.Create(1.0f), a10 = Vector128.Create(1.1f), a11 = Vector128.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            // Vector128.FusedMultiplyAdd is one instruction with FMA3 or NEON; without either it is
            // emulated, which would under-report the peak, so SSE-only CPUs take mul then add.
            if (Fma.IsSupported || AdvSimd.IsSupported)
            {
                a0 = Vector128.FusedMultiplyAdd(a0, m, c);
                a1 = Vector128.FusedMultiplyAdd(a1, m, c);
                a2 = Vector128.FusedMultiplyAdd(a2, m, c);
                a3 = Vector128.FusedMultiplyAdd(a3, m, c);
                a4 = Vector128.FusedMultiplyAdd(a4, m, c);
                a5 = Vector128.FusedMultiplyAdd(a5, m, c);
                a6 = Vector128.FusedMultiplyAdd(a6, m, c);
                a7 = Vector128.FusedMultiplyAdd(a7, m, c);
                a8 = Vector128.FusedMultiplyAdd(a8, m, c);
                a9 = Vector128.FusedMultiplyAdd(a9, m, c);
                a10 = Vector128.FusedMultiplyAdd(a10, m, c);
                a11 = Vector128.FusedMultiplyAdd(a11, m, c);
            }
            else
            {
                a0 = (a0 * m) + c;
                a1 = (a1 * m) + c;
                a2 = (a2 * m) + c;
                a3 = (a3 * m) + c;
                a4 = (a4 * m) + c;
                a5 = (a5 * m) + c;
                a6 = (a6 * m) + c;
                a7 = (a7 * m) + c;
                a8 = (a8 * m) + c;
                a9 = (a9 * m) + c;
                a10 = (a10 * m) + c;
                a11 = (a11 * m) + c;
            }
        }

        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector128.Sum(sum);
    }
}
