using System.Text;
using System.Text.Json;
using CnnGpu.Cli.Commands;

namespace CnnGpu.Cli.Rendering;

/// <summary>
/// <c>cnngpu bench --json</c>: <c>{"results":[{"network","batch","backend","device","threads","medianMs","minMs",
/// "p90Ms","imagesPerSecond","gflops"}]}</c>; <c>threads</c> and <c>gflops</c> are null where unknown, and with
/// <c>--profile</c> each result adds <c>"profile":[{"name","op","algorithm","calls","meanMs"}]</c>.
/// </summary>
internal static class BenchJson
{
    /// <summary>The results as one indented JSON document.</summary>
    /// <param name="results">One entry per network that ran.</param>
    public static string Write(IReadOnlyList<BenchResult> results)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("network", r.Network);
                w.WriteNumber("batch", r.Batch);
                w.WriteString("backend", r.Backend);
                w.WriteString("device", r.Device);
                WriteNumberOrNull(w, "threads", r.Threads);
                w.WriteNumber("medianMs", Significant(r.MedianMs));
                w.WriteNumber("minMs", Significant(r.MinMs));
                w.WriteNumber("p90Ms", Significant(r.P90Ms));
                w.WriteNumber("imagesPerSecond", Significant(r.ImagesPerSecond));
                WriteNumberOrNull(w, "gflops", r.Gflops is { } g ? Significant(g) : null);
                if (r.Profile is { } profile)
                {
                    w.WriteStartArray("profile");
                    foreach (var p in profile)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", p.Name);
                        w.WriteString("op", ProfileTable.OpName(p.Kind));
                        w.WriteString("algorithm", p.Algorithm);
                        w.WriteNumber("calls", p.Calls);
                        w.WriteNumber("meanMs", Significant(p.Mean.TotalMilliseconds));
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// <paramref name="value"/> to 6 significant digits: timings are not more precise than that, and
    /// 0.0588336 GFLOP/s keeps its precision where a fixed number of decimals would not.
    /// </summary>
    private static double Significant(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        int decimals = 5 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
        return decimals >= 0 ? Math.Round(value, Math.Min(decimals, 15)) : value;
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
