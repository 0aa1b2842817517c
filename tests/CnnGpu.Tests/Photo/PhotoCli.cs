using System.Globalization;
using System.Text.RegularExpressions;
using CnnGpu.Networks.Features;
using CnnGpu.Tests.Onnx;

namespace CnnGpu.Tests.Photo;

/// <summary>Helpers of the photo command tests: sample paths, output parsing, and the expected values computed here.</summary>
internal static partial class PhotoCli
{
    public static string Sample(string photo) => Path.Combine(TestFiles.Samples, photo);

    /// <summary>ONNX Runtime's features of a sample photo, L2-normalised here.</summary>
    public static float[] ExpectedEmbedding(string photo)
    {
        float[] raw = ResNet18Oracle.ExpectedFeatures[Array.IndexOf(ResNet18Oracle.Photos, photo)];
        double norm = Math.Sqrt(raw.Sum(v => v * (double)v));
        return [.. raw.Select(v => (float)(v / norm))];
    }

    /// <summary>Softmax in double, written here rather than taken from the code under test.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }

        var e = new double[logits.Length];
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = Math.Exp(logits[i] - max);
        }

        double sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    /// <summary>The text output of classify: each image line followed by its "  probability  label" rows.</summary>
    public static List<(string Image, List<Prediction> Rows)> ParseClassify(string stdout)
    {
        var result = new List<(string, List<Prediction>)>();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')))
        {
            var row = Row().Match(line);
            if (row.Success)
            {
                result[^1].Item2.Add(new Prediction(row.Groups["label"].Value, float.Parse(row.Groups["p"].Value, CultureInfo.InvariantCulture)));
            }
            else
            {
                result.Add((line, []));
            }
        }

        return result;
    }

    /// <summary>The text output of similar: "score  image" lines.</summary>
    public static List<(double Score, string Image)> ParseSimilar(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            var m = Row().Match(l.TrimEnd('\r'));
            Assert.True(m.Success, $"not a 'score  image' line: {l}");
            return (double.Parse(m.Groups["p"].Value, CultureInfo.InvariantCulture), m.Groups["label"].Value);
        })];

    /// <summary>One error line (progress lines may precede it), no stack trace.</summary>
    public static void AssertOneLineError(string stderr, string command, string mentions)
    {
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith($"cnngpu {command}: ", StringComparison.Ordinal));
        Assert.StartsWith($"cnngpu {command}: ", line, StringComparison.Ordinal);
        Assert.Contains(mentions, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(CnnGpu.Tests.Cli.Cli.StackFrame, stderr);
    }

    [GeneratedRegex(@"^\s*(?<p>[0-9.]+)  (?<label>.+)$")]
    private static partial Regex Row();
}
