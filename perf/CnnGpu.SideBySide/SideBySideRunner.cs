using System.Diagnostics;
using System.Globalization;
using CnnGpu.Networks;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Onnx;
using CnnGpu.Perf.Common;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.SideBySide;

/// <summary>
/// Times ONNX Runtime and CnnGpu on the same files in one process. Both engines are warmed up, then
/// each round runs one inference of each, the order swapping every round, so that drift in a shared
/// machine's load or clock hits both engines alike instead of whichever ran second.
/// </summary>
internal sealed class SideBySideRunner(RunnerOptions options)
{
    /// <summary>Largest max |a − e| / max |e| that float32 summation-order differences explain.</summary>
    public const double AgreementTolerance = 1e-3;

    private readonly List<SideBySideRow> _rows = [];
    private readonly List<RssRow> _rss = [];
    private readonly List<Failure> _failures = [];
    private readonly List<string> _imported = [];
    private readonly Dictionary<int, FmaPeakResult> _peaks = [];

    /// <summary>Measures everything and returns the report.</summary>
    public SideBySideReport Run()
    {
        string ortVersion = Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
        double? loadStart = MachineInfo.LoadAverage();
        Log($"machine: {MachineInfo.Summary}; ONNX Runtime {ortVersion}");
        MeasurePeaks();
        var files = ResolveFiles();
        foreach (string file in files)
        {
            RunFile(file);
        }

        if (!options.NoRss)
        {
            foreach (string file in _imported)
            {
                foreach (int batch in options.RssBatches)
                {
                    MeasureRss(file, batch);
                }
            }
        }

        // Measured again after the timings and the better kept: a neighbour that disturbed one of the two
        // measurements would otherwise set the scale (a disturbed peak makes kernels look better than the hardware).
        foreach (int threads in _peaks.Keys.ToList())
        {
            _peaks[threads] = _peaks[threads].Max(FmaPeak.Measure(threads));
        }

        double peak = _peaks[options.Threads].GflopsPerSecond;
        var rows = _rows.Select(r => r with
        {
            Ort = r.Ort with { PercentOfPeak = 100 * r.Ort.Gflops / peak },
            CnnGpu = r.CnnGpu with { PercentOfPeak = 100 * r.CnnGpu.Gflops / peak },
        }).ToList();
        return new SideBySideReport(
            DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            new MachineRecord(MachineInfo.CpuModel, MachineInfo.Cores, MachineInfo.SimdPath, FmaPeak.Description,
                _peaks.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => Math.Round(p.Value.GflopsPerSecond, 1)), _peaks.Values.First().Runs,
                loadStart, MachineInfo.LoadAverage()),
            new SettingsRecord(options.Threads, options.Rounds, options.Warmup, options.GapMs, options.Batches, ortVersion),
            rows, _rss, _failures);
    }

    private static void Log(string message) => Console.Error.WriteLine(message);

    private static string OneLine(Exception e) =>
        $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ").Trim()}"
        + (e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ").Trim()})" : string.Empty);

    private static string NetworkName(string file) => Path.GetFileNameWithoutExtension(file);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double MaxRelativeDifference(float[] actual, float[] expected)
    {
        double maxDiff = 0, maxExpected = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            maxExpected = Math.Max(maxExpected, Math.Abs((double)expected[i]));
        }

        // NaN anywhere propagates through Math.Max and fails the check, which is the point.
        return maxExpected == 0 ? maxDiff : maxDiff / maxExpected;
    }

    private void Fail(string file, string engine, string stage, Exception e) => Fail(file, engine, stage, OneLine(e));

    private void Fail(string file, string engine, string stage, string message)
    {
        _failures.Add(new Failure(file, engine, stage, message));
        Log($"error: {file}: {engine} {stage} failed: {message}");
    }

    private void MeasurePeaks()
    {
        // The % of peak columns divide by the peak of the engines' own thread count (the better of this
        // and a measurement after the timings); 1 thread and all
        // cores are recorded too so that a reader can tell a per-core shortfall from a scaling one.
        foreach (int threads in new[] { 1, options.Threads, Environment.ProcessorCount }.Distinct().Order())
        {
            var peak = FmaPeak.Measure(threads);
            _peaks[threads] = peak;
            Log(string.Create(CultureInfo.InvariantCulture, $"FMA peak at start ({peak.Loop}, best of {peak.Runs}, {threads} thread{(threads == 1 ? "" : "s")}): {peak.GflopsPerSecond:F1} GFLOP/s"));
        }
    }

    private List<string> ResolveFiles()
    {
        var files = new List<string>();
        foreach (string path in options.Paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path, "*.onnx").Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    Fail(path, "both", "find", "the folder holds no .onnx file");
                }

                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                Fail(path, "both", "find", "no such file or folder");
            }
        }

        return files;
    }

#pragma warning disable CA1031 // A file that fails in an engine is reported and the run goes on with the next one.
    private void RunFile(string file)
    {
        string network = NetworkName(file);
        Log($"{network}: importing");
        ComputeGraph graph;
        long macs;
        try
        {
            graph = Models.Load(file);
            macs = ComplexityAnalyzer.Analyze(graph).TotalMacs;
        }
        catch (Exception e)
        {
            string? diagnosis = e is OnnxImportException onnx ? ImportDiagnosis.Explain(file, onnx) : null;
            Fail(file, CnnGpuEngine.EngineName, "import", OneLine(e) + (diagnosis is null ? string.Empty : $" [in the file: {diagnosis}]"));
            TryOrtAlone(file);
            return;
        }

        OrtEngine? ort = null;
        CnnGpuEngine? cnn = null;
        try
        {
            try
            {
                ort = new OrtEngine(file, options.Threads);
            }
            catch (Exception e)
            {
                Fail(file, OrtEngine.EngineName, "import", e);
                return;
            }

            try
            {
                cnn = new CnnGpuEngine(graph, options.Threads, options.Batches.Max());
            }
            catch (Exception e)
            {
                Fail(file, CnnGpuEngine.EngineName, "session", e);
                return;
            }

            if (!CheckInputs(file, ort, cnn))
            {
                return;
            }

            _imported.Add(file);
            foreach (int batch in options.Batches)
            {
                RunBatch(file, network, macs, ort, cnn, batch);
            }
        }
        finally
        {
            ort?.Dispose();
            cnn?.Dispose();

            // The next network should not pay for collecting this one's weights mid-timing.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private void TryOrtAlone(string file)
    {
        // Tells the reader whether an import failure is CnnGpu's alone or the file is unreadable to both.
        try
        {
            using var ort = new OrtEngine(file, 1);
        }
        catch (Exception e)
        {
            Fail(file, OrtEngine.EngineName, "import", e);
        }
    }

    private bool CheckInputs(string file, OrtEngine ort, CnnGpuEngine cnn)
    {
        int[] ortDims = ort.InputDimensions;
        int[] item = [.. cnn.InputItemShape.Dimensions];
        bool match = ortDims.Length == item.Length + 1 && ortDims.Skip(1).Zip(item).All(p => p.First <= 0 || p.First == p.Second);
        if (!match)
        {
            Fail(file, "both", "input shape", $"ORT declares [{string.Join(", ", ortDims)}], CnnGpu expects [N, {string.Join(", ", item)}]");
        }

        return match;
    }

    private void RunBatch(string file, string network, long macs, OrtEngine ort, CnnGpuEngine cnn, int batch)
    {
        int[] shape = [batch, .. cnn.InputItemShape.Dimensions];
        float[] input = InputData.Create(shape);
        float[] expected, actual;
        try
        {
            ort.SetInput(input, shape);
            cnn.SetInput(input, shape);
            for (int i = 0; i < options.Warmup; i++)
            {
                ort.Run();
                cnn.Run();
            }

            expected = ort.RunAndRead();
            actual = cnn.RunAndRead();
        }
        catch (Exception e)
        {
            Fail(file, "both", $"run at batch {batch}", e);
            return;
        }

        if (expected.Length != actual.Length)
        {
            Fail(file, "both", $"output at batch {batch}", $"ORT's first output has {expected.Length} values, CnnGpu's {actual.Length}");
            return;
        }

        double difference = MaxRelativeDifference(actual, expected);
        var ortTimes = new List<double>(options.Rounds);
        var cnnTimes = new List<double>(options.Rounds);
        GC.Collect();
        for (int round = 0; round < options.Rounds; round++)
        {
            bool ortFirst = round % 2 == 0;
            (ortFirst ? ortTimes : cnnTimes).Add(Time(ortFirst ? ort : cnn));
            (ortFirst ? cnnTimes : ortTimes).Add(Time(ortFirst ? cnn : ort));
        }

        double flop = 2.0 * macs * batch;
        double peak = _peaks[options.Threads].GflopsPerSecond;
        EngineTiming Summarise(List<double> times)
        {
            double median = Median(times);
            double gflops = flop / (median / 1e3) / 1e9;
            return new EngineTiming(median, times.Min(), gflops, 100 * gflops / peak, times);
        }

        var algorithms = cnn.Session.PlanFor(batch).Where(s => !s.Elided)
            .GroupBy(s => s.Algorithm).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var row = new SideBySideRow(network, file, batch, macs / 1e9, Summarise(ortTimes), Summarise(cnnTimes),
            Median(cnnTimes) / Median(ortTimes), difference, algorithms);
        _rows.Add(row);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"{network} batch {batch}: ORT {row.Ort.MedianMs:F2} ms, CnnGpu {row.CnnGpu.MedianMs:F2} ms, CnnGpu/ORT {row.Ratio:F2}, max rel diff {difference:0.0e+0}"));
        if (row.Disagrees)
        {
            Log(string.Create(CultureInfo.InvariantCulture,
                $"WARNING: {network} batch {batch}: OUTPUTS DISAGREE: max |CnnGpu − ORT| / max |ORT| = {difference:0.00e+0} > {AgreementTolerance:0e+0}"));
        }
    }

    private double Time(IEngine engine)
    {
        // Both engines' workers spin for a while after a run before they sleep (ORT's for up to a few
        // milliseconds): without a pause the idle engine's spinners would share the cores with the
        // other engine's run and the comparison would depend on the order.
        if (options.GapMs > 0)
        {
            Thread.Sleep(options.GapMs);
        }

        long start = Stopwatch.GetTimestamp();
        engine.Run();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private void MeasureRss(string file, int batch)
    {
        string network = NetworkName(file);
        try
        {
            var ort = RssProbe.Measure("ort", file, batch, options.Threads);
            var cnn = RssProbe.Measure("cnngpu", file, batch, options.Threads);
            var row = new RssRow(network, batch, ort.PeakKb / 1024.0, cnn.PeakKb / 1024.0, Math.Min(ort.BaselineKb, cnn.BaselineKb) / 1024.0,
                cnn.ImportPeakKb / 1024.0, new FileInfo(file).Length / (1024.0 * 1024.0));
            _rss.Add(row);
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{network} batch {batch} peak RSS: ORT {row.OrtPeakMb:F0} MiB, CnnGpu {row.CnnGpuPeakMb:F0} MiB ({row.CnnGpuImportPeakMb:F0} after import; runtime baseline {row.BaselineMb:F0} MiB, file {row.WeightsMb:F0} MiB)"));
        }
        catch (Exception e)
        {
            Fail(file, "both", $"rss at batch {batch}", e);
        }
    }
#pragma warning restore CA1031
}
