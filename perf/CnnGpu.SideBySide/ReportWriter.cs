using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CnnGpu.SideBySide;

/// <summary>Writes a <see cref="SideBySideReport"/> as Markdown (stdout and the dated file) and JSON.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,

        // Keeps ×, −, → readable in the file; it is read by people and scripts, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report as Markdown.</summary>
    /// <param name="report">What was measured.</param>
    public static string Markdown(SideBySideReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var m = report.Machine;
        var s = report.Settings;
        md.AppendLine(c, $"## CnnGpu `cpu` vs ONNX Runtime {s.OrtVersion} (CPU provider), {report.Date}");
        md.AppendLine();
        string peaks = string.Join(", ", m.FmaPeakGflops.Select(p => string.Create(c, $"{p.Value:F1} GFLOP/s on {p.Key} thread{(p.Key == 1 ? "" : "s")}")));
        md.AppendLine(c, $"Machine: {m.Cpu}, {m.Cores} logical cores, SIMD path {m.SimdPath}. FMA peak ({m.FmaLoop}, best of {m.FmaPeakRuns} runs before and after the timings): {peaks}.");
        if (m.LoadAverageStart is { } start)
        {
            md.AppendLine(c, $"1-minute load average {start:F2} at the start, {m.LoadAverageEnd:F2} at the end (the engines' own threads count; well above {m.Cores} means other work shared the cores and the times are noisy).");
        }

        md.AppendLine(c, $"Both engines on {s.Threads} threads (ORT: intra-op {s.Threads}, inter-op 1, default graph optimisation), in one process: {s.Warmup} warm-up runs each, then {s.Rounds} rounds of one run per engine, the order alternating, {s.GapMs} ms pause before each run.");
        md.AppendLine("GFLOP/s = 2·MACs·batch / median; % peak against the FMA peak on the same thread count; diff = max |CnnGpu − ORT| / max |ORT| on the first output; ✗ marks CnnGpu/ORT above 1.0.");
        if (report.Rows.Any(r => r.Ort.PercentOfPeak > 100 || r.CnnGpu.PercentOfPeak > 100))
        {
            md.AppendLine("A % peak above 100 means other load disturbed every FMA-peak run: read the percentages as upper bounds.");
        }
        md.AppendLine();
        md.AppendLine("| network | batch | GMACs/img | ORT median ms | ORT min ms | CnnGpu median ms | CnnGpu min ms | CnnGpu/ORT | ORT GFLOP/s | CnnGpu GFLOP/s | ORT % peak | CnnGpu % peak | diff |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Rows)
        {
            string ratio = string.Create(c, $"{r.Ratio:F2}{(r.Ratio <= 1.0 ? "" : " ✗")}");
            string diff = string.Create(c, $"{r.MaxRelativeDifference:0.0e+0}{(r.Disagrees ? " **DISAGREE**" : "")}");
            md.AppendLine(c,
                $"| {r.Network} | {r.Batch} | {r.Gmacs:F2} | {r.Ort.MedianMs:F2} | {r.Ort.MinMs:F2} | {r.CnnGpu.MedianMs:F2} | {r.CnnGpu.MinMs:F2} | {ratio} | {r.Ort.Gflops:F1} | {r.CnnGpu.Gflops:F1} | {r.Ort.PercentOfPeak:F0}% | {r.CnnGpu.PercentOfPeak:F0}% | {diff} |");
        }

        if (report.Rss.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Peak resident memory (VmHWM of a child process per engine that loads the model, creates the session and runs it 3 times; "
                + "baseline = a child's peak before loading anything, the .NET runtime and this tool, common to both; "
                + "after import = CnnGpu's peak once `Models.Load` returned, before the session; file = the ONNX file's size, nearly all weights):");
            md.AppendLine();
            md.AppendLine("| network | batch | ORT peak MiB | CnnGpu peak MiB | CnnGpu/ORT | CnnGpu after import MiB | baseline MiB | file MiB |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in report.Rss)
            {
                md.AppendLine(c, $"| {r.Network} | {r.Batch} | {r.OrtPeakMb:F0} | {r.CnnGpuPeakMb:F0} | {r.Ratio:F2}{(r.Ratio <= 1.0 ? "" : " ✗")} | {r.CnnGpuImportPeakMb:F0} | {r.BaselineMb:F0} | {r.WeightsMb:F0} |");
            }
        }

        md.AppendLine();
        if (report.Failures.Count == 0)
        {
            md.AppendLine("Failures: none.");
        }
        else
        {
            md.AppendLine(c, $"Failures ({report.Failures.Count}):");
            md.AppendLine();
            foreach (var f in report.Failures)
            {
                md.AppendLine(c, $"- `{Path.GetFileName(f.File)}` — {f.Engine}, {f.Stage}: {f.Message}");
            }
        }

        return md.ToString();
    }

    /// <summary>Writes <c>&lt;dir&gt;/&lt;date&gt;-cpu-side-by-side.md</c> and <c>.json</c>; returns their paths.</summary>
    /// <param name="report">What was measured.</param>
    /// <param name="directory">The results folder (created when missing).</param>
    public static (string Markdown, string Json) Write(SideBySideReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, $"{report.Date}-cpu-side-by-side");
        string md = stem + ".md";
        string json = stem + ".json";
        File.WriteAllText(md, $"# CPU side by side{Environment.NewLine}{Environment.NewLine}{Markdown(report)}");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json) + Environment.NewLine);
        return (md, json);
    }
}
