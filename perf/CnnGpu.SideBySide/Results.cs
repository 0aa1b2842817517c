namespace CnnGpu.SideBySide;

/// <summary>Timings of one engine on one network and batch.</summary>
/// <param name="MedianMs">Median of the timed runs.</param>
/// <param name="MinMs">Fastest timed run.</param>
/// <param name="Gflops">Achieved GFLOP/s at the median: 2·MACs·batch / median.</param>
/// <param name="PercentOfPeak">Gflops against the FMA peak measured for the same thread count (set once the peak is final).</param>
/// <param name="RunsMs">Every timed run, in order.</param>
internal sealed record EngineTiming(double MedianMs, double MinMs, double Gflops, double PercentOfPeak, IReadOnlyList<double> RunsMs);

/// <summary>One row of the side-by-side table.</summary>
/// <param name="Network">The file name without extension.</param>
/// <param name="File">The ONNX file.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Gmacs">Multiply-accumulates per image, in billions (CnnGpu's complexity analysis of the imported graph).</param>
/// <param name="Ort">ONNX Runtime's timings.</param>
/// <param name="CnnGpu">CnnGpu's timings.</param>
/// <param name="Ratio">CnnGpu median / ORT median: the acceptance figure (≤ 1.0 is the goal).</param>
/// <param name="MaxRelativeDifference">max |CnnGpu − ORT| / max |ORT| over the first output.</param>
/// <param name="CnnGpuAlgorithms">How many nodes of CnnGpu's batch plan ran each algorithm.</param>
internal sealed record SideBySideRow(
    string Network, string File, int Batch, double Gmacs, EngineTiming Ort, EngineTiming CnnGpu, double Ratio,
    double MaxRelativeDifference, IReadOnlyDictionary<string, int> CnnGpuAlgorithms)
{
    /// <summary>Outputs disagree beyond what float32 reordering explains.</summary>
    public bool Disagrees => !(MaxRelativeDifference <= SideBySideRunner.AgreementTolerance);
}

/// <summary>Peak RSS of both engines on one network and batch.</summary>
/// <param name="Network">The file name without extension.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="OrtPeakMb">ONNX Runtime child's peak RSS, MiB.</param>
/// <param name="CnnGpuPeakMb">CnnGpu child's peak RSS, MiB.</param>
/// <param name="BaselineMb">A child's peak before loading anything (the runtime itself), MiB.</param>
/// <param name="CnnGpuImportPeakMb">CnnGpu child's peak right after the import, before the session, MiB.</param>
/// <param name="WeightsMb">The ONNX file's size, MiB (nearly all of it weights): a yardstick for the peaks.</param>
internal sealed record RssRow(string Network, int Batch, double OrtPeakMb, double CnnGpuPeakMb, double BaselineMb, double? CnnGpuImportPeakMb, double WeightsMb)
{
    /// <summary>CnnGpu / ORT (≤ 1.0 is the goal).</summary>
    public double Ratio => CnnGpuPeakMb / OrtPeakMb;
}

/// <summary>Something that did not work: a file that did not import or run in an engine, or an RSS child that failed.</summary>
/// <param name="File">The ONNX file.</param>
/// <param name="Engine"><c>ORT</c>, <c>CnnGpu</c> or <c>both</c>.</param>
/// <param name="Stage">What was being done (import, session, run at batch N, rss).</param>
/// <param name="Message">The exception type and message, one line.</param>
internal sealed record Failure(string File, string Engine, string Stage, string Message);

/// <summary>Everything one invocation measured.</summary>
/// <param name="Date">Local date of the run, yyyy-MM-dd.</param>
/// <param name="Machine">CPU, cores, SIMD path and FMA peaks.</param>
/// <param name="Settings">Threads, rounds, warm-up, gap, batches.</param>
/// <param name="Rows">Timings.</param>
/// <param name="Rss">Peak RSS.</param>
/// <param name="Failures">What did not work.</param>
internal sealed record SideBySideReport(
    string Date, MachineRecord Machine, SettingsRecord Settings, IReadOnlyList<SideBySideRow> Rows, IReadOnlyList<RssRow> Rss, IReadOnlyList<Failure> Failures);

/// <summary>The machine a report was measured on.</summary>
/// <param name="Cpu">CPU model.</param>
/// <param name="Cores">Logical cores.</param>
/// <param name="SimdPath">The cpu backend's SIMD path.</param>
/// <param name="FmaLoop">The FMA-peak loop that ran.</param>
/// <param name="FmaPeakGflops">Measured FMA peak per thread count (1, the engines' threads, all cores): the best run before and after the timings.</param>
/// <param name="FmaPeakRuns">Runs the best was taken from, per thread count.</param>
/// <param name="LoadAverageStart">1-minute load average when the run started (null off Linux).</param>
/// <param name="LoadAverageEnd">1-minute load average when it ended.</param>
internal sealed record MachineRecord(
    string Cpu, int Cores, string SimdPath, string FmaLoop, IReadOnlyDictionary<int, double> FmaPeakGflops, int FmaPeakRuns, double? LoadAverageStart, double? LoadAverageEnd);

/// <summary>How the timings were taken.</summary>
/// <param name="Threads">Threads per engine.</param>
/// <param name="Rounds">Timed rounds.</param>
/// <param name="Warmup">Untimed runs per engine first.</param>
/// <param name="GapMs">Pause between runs.</param>
/// <param name="Batches">Batch sizes.</param>
/// <param name="OrtVersion">ONNX Runtime's version.</param>
internal sealed record SettingsRecord(int Threads, int Rounds, int Warmup, int GapMs, IReadOnlyList<int> Batches, string OrtVersion);
