using System.Globalization;

namespace CnnGpu.SideBySide;

/// <summary>The side-by-side runner's command line.</summary>
internal sealed record RunnerOptions
{
    /// <summary>ONNX files and folders (a folder contributes its <c>*.onnx</c>, sorted by name).</summary>
    public List<string> Paths { get; } = [];

    /// <summary>Batch sizes to time.</summary>
    public List<int> Batches { get; private set; } = [1, 8];

    /// <summary>Timed rounds per network and batch (one run of each engine per round).</summary>
    public int Rounds { get; private set; } = 10;

    /// <summary>Untimed runs of each engine before the rounds.</summary>
    public int Warmup { get; private set; } = 3;

    /// <summary>Threads each engine computes with (ORT intra-op threads, CnnGpu cpu backend threads).</summary>
    public int Threads { get; private set; } = 2;

    /// <summary>
    /// Pause between two timed runs, in milliseconds. ORT's pool spins for a while after a run (so does CnnGpu's, up
    /// to 200 µs); with 10 ms ORT's spinners still held a core when CnnGpu started (measured: ResNet-18 1.49× at
    /// 10 ms, 1.12× at 100 ms, ORT's own median unchanged), so the engines are given the cores to themselves.
    /// </summary>
    public int GapMs { get; private set; } = 100;

    /// <summary>Skip the peak-RSS child processes.</summary>
    public bool NoRss { get; private set; }

    /// <summary>Batch sizes whose peak RSS is measured.</summary>
    public List<int> RssBatches { get; private set; } = [1];

    /// <summary>Folder for the dated <c>.md</c> and <c>.json</c> result files; null writes none.</summary>
    public string? OutDirectory { get; private set; }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: CnnGpu.SideBySide <file.onnx|folder>... [--batches 1,8] [--rounds 10] [--warmup 3]
                                 [--threads 2] [--gap-ms 100] [--no-rss] [--rss-batches 1] [--out <dir>]
        Times ONNX Runtime (CPU provider) and CnnGpu's cpu backend on the same ONNX files in one process,
        alternating the engines run by run, and prints a Markdown table (and, with --out, writes
        <dir>/<yyyy-MM-dd>-cpu-side-by-side.md and .json). Exit code: 0 all ran and agreed, 1 a file failed
        to import or run in either engine or the outputs disagreed, 2 a bad command line.
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="FormatException"/> with a one-line message.</summary>
    /// <param name="args">The command line.</param>
    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunnerOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{arg} needs a value.");
            switch (arg)
            {
                case "--batches":
                    options.Batches = ParseList(arg, Next());
                    break;
                case "--rss-batches":
                    options.RssBatches = ParseList(arg, Next());
                    break;
                case "--rounds":
                    options.Rounds = ParsePositive(arg, Next());
                    break;
                case "--warmup":
                    options.Warmup = ParsePositive(arg, Next());
                    break;
                case "--threads":
                    options.Threads = ParsePositive(arg, Next());
                    break;
                case "--gap-ms":
                    options.GapMs = ParseInt(arg, Next(), 0);
                    break;
                case "--no-rss":
                    options.NoRss = true;
                    break;
                case "--out":
                    options.OutDirectory = Next();
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new FormatException($"Unknown option '{arg}'.");
                    }

                    options.Paths.Add(arg);
                    break;
            }
        }

        if (options.Paths.Count == 0)
        {
            throw new FormatException("Give at least one ONNX file or folder.");
        }

        return options;
    }

    private static List<int> ParseList(string name, string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => ParsePositive(name, v)).Distinct()];

    private static int ParsePositive(string name, string value) => ParseInt(name, value, 1);

    private static int ParseInt(string name, string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= minimum
            ? n
            : throw new FormatException($"{name} takes {(minimum == 0 ? "a whole number (0 or more)" : "a positive whole number")}, got '{value}'.");
}
