using System.Diagnostics;
using System.Globalization;
using CnnGpu.Networks;

namespace CnnGpu.SideBySide;

/// <summary>Peak resident memory of one engine on one model, measured in a child process.</summary>
/// <param name="PeakKb">The child's peak RSS (VmHWM) after creating the session and running.</param>
/// <param name="BaselineKb">Its peak RSS before loading the model: the .NET runtime and this tool, the same for both engines.</param>
/// <param name="ImportPeakKb">CnnGpu only: the peak after <c>Models.Load</c>, before the session (where the rest of the peak comes from).</param>
internal sealed record RssSample(long PeakKb, long BaselineKb, long? ImportPeakKb);

/// <summary>
/// Measures peak RSS per engine in a fresh process: the parent holds both engines and every model so far,
/// so its own high-water mark says nothing about either engine. The child is this same executable
/// started with <c>--rss &lt;engine&gt; &lt;file&gt; &lt;batch&gt;</c>; it loads only what its engine needs.
/// </summary>
internal static class RssProbe
{
    public const string Flag = "--rss";
    private const string Marker = "rss-kb";
    private const int ChildRuns = 3;

    /// <summary>The child's entry: <c>--rss ort|cnngpu file batch [--threads N]</c>; prints one <c>rss-kb</c> line.</summary>
    /// <param name="args">The arguments after <c>--rss</c>.</param>
    public static int RunChild(IReadOnlyList<string> args)
    {
        if (args.Count < 3)
        {
            Console.Error.WriteLine("error: --rss takes <ort|cnngpu> <file.onnx> <batch> [--threads N]");
            return 2;
        }

        string engine = args[0].ToLowerInvariant();
        string path = args[1];
        int batch = int.Parse(args[2], CultureInfo.InvariantCulture);
        int threads = args.Count >= 5 && args[3] == "--threads" ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2;
        long baseline = ReadPeakKb();
        long? importPeak = null;
        using (IEngine session = engine switch
        {
            "ort" => CreateOrt(path, threads, batch),
            "cnngpu" => CreateCnnGpu(path, threads, batch, out importPeak),
            _ => throw new ArgumentException($"Unknown engine '{args[0]}' (ort or cnngpu)."),
        })
        {
            for (int i = 0; i < ChildRuns; i++)
            {
                session.Run();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Marker} peak={ReadPeakKb()} baseline={baseline}{(importPeak is { } kb ? $" import={kb}" : "")}"));
        return 0;
    }

    /// <summary>Starts the child for one engine and parses its answer.</summary>
    /// <param name="engine"><c>ort</c> or <c>cnngpu</c>.</param>
    /// <param name="path">The ONNX file.</param>
    /// <param name="batch">Batch to run.</param>
    /// <param name="threads">Engine threads.</param>
    /// <exception cref="InvalidOperationException">The child failed; the message carries its last error line.</exception>
    public static RssSample Measure(string engine, string path, int batch, int threads)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Under `dotnet CnnGpu.SideBySide.dll` the process is the dotnet host: the child needs the dll named.
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown: cannot start the RSS child.");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(RssProbe).Assembly.Location);
        }

        foreach (string arg in new[] { Flag, engine, Path.GetFullPath(path), batch.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("The RSS child did not start.");
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            child.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The RSS child ran over 10 minutes and was stopped.");
        }

        string? line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            string why = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
            throw new InvalidOperationException($"The RSS child for {engine} exited with {child.ExitCode}: {why}");
        }

        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new RssSample(fields["peak"], fields["baseline"], fields.TryGetValue("import", out long import) ? import : null);
    }

    /// <summary>This process's peak resident set in KiB: VmHWM from <c>/proc/self/status</c> on Linux, else the OS's peak working set.</summary>
    public static long ReadPeakKb()
    {
        if (OperatingSystem.IsLinux())
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / 1024;
    }

    private static OrtEngine CreateOrt(string path, int threads, int batch)
    {
        var engine = new OrtEngine(path, threads);
        int[] dims = engine.InputDimensions;
        int[] shape = [batch, .. dims.Skip(1).Select(d => d > 0 ? d : throw new InvalidOperationException($"{path}: input dimension {d} is symbolic beyond the batch; the RSS child cannot size the input."))];
        engine.SetInput(InputData.Create(shape), shape);
        return engine;
    }

    private static CnnGpuEngine CreateCnnGpu(string path, int threads, int batch, out long? importPeakKb)
    {
        var graph = Models.Load(path);
        importPeakKb = ReadPeakKb();
        var engine = new CnnGpuEngine(graph, threads, batch);
        int[] shape = [batch, .. engine.InputItemShape.Dimensions];
        engine.SetInput(InputData.Create(shape), shape);
        return engine;
    }
}

/// <summary>The input both engines see: fixed-seed uniform values in [−1, 1), roughly the range of a normalised image.</summary>
internal static class InputData
{
    /// <summary>A batch of <paramref name="shape"/>.</summary>
    /// <param name="shape">Batch first.</param>
    public static float[] Create(int[] shape)
    {
        long count = shape.Aggregate(1L, (a, d) => a * d);
        var data = new float[count];
        var random = new Random(20251130);
        for (long i = 0; i < count; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return data;
    }
}
