using CnnGpu.Cli.Rendering;
using ScottPlot;

namespace CnnGpu.Cli.Charts;

/// <summary>One network on a complexity chart.</summary>
/// <param name="Label">The network's name, drawn beside its bubble.</param>
/// <param name="GMacs">Multiply-accumulates per image, in billions (the x axis).</param>
/// <param name="Y">The y value: a latency in milliseconds or an error in percent.</param>
/// <param name="Params">Learned parameters; the bubble's area is proportional to them.</param>
internal sealed record ChartPoint(string Label, double GMacs, double Y, long Params);

/// <summary>Where a bubble was drawn on the saved image, in pixels from its top-left corner.</summary>
/// <param name="Label">The network.</param>
/// <param name="X">Centre, pixels from the left.</param>
/// <param name="Y">Centre, pixels from the top.</param>
/// <param name="Diameter">The bubble's diameter in pixels.</param>
internal sealed record DrawnBubble(string Label, float X, float Y, float Diameter);

/// <summary>
/// The lecture's "comparing model complexity" figure: one labelled bubble per network at (G MACs, y), with
/// the bubble's area proportional to the network's parameters. Written as PNG or SVG by the file's extension.
/// </summary>
internal static class ComplexityChart
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Image height in pixels.</summary>
    public const int Height = 700;

    /// <summary>The largest bubble's diameter in pixels (the network with the most parameters).</summary>
    public const float MaxDiameter = 90;

    /// <summary>The smallest diameter drawn, so that a tiny network stays visible.</summary>
    public const float MinDiameter = 6;

    /// <summary>The bubbles' fill: one colour, translucent so that overlapping bubbles stay visible.</summary>
    public static readonly Color Fill = new(31, 119, 180, 150);

    private static readonly string[] Extensions = [".png", ".svg"];

    /// <summary>Why <paramref name="path"/> cannot take a chart (its extension, or a missing folder), or null when it can.</summary>
    /// <param name="option">The option as typed, e.g. <c>--chart</c>.</param>
    /// <param name="path">The file to write.</param>
    public static string? Unwritable(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return $"{option} needs a file name ending in .png or .svg.";
        }

        if (!Extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
        {
            return $"{option} writes .png or .svg files, not '{Path.GetFileName(path)}'.";
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Directory.Exists(folder) ? null : $"{option}: folder '{folder}' does not exist.";
    }

    /// <summary>Draws the chart and writes it to <paramref name="path"/> (.png or .svg); returns where each bubble went.</summary>
    /// <param name="path">The file to write; its extension picks the format.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="yLabel">The y axis's label.</param>
    /// <param name="points">One point per network (at least one).</param>
    public static IReadOnlyList<DrawnBubble> Save(string path, string title, string yLabel, IReadOnlyList<ChartPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfZero(points.Count);
        using var plot = new Plot();
        long largest = Math.Max(1, points.Max(p => p.Params));
        var diameters = points.Select(p => Diameter(p.Params, largest)).ToArray();
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var marker = plot.Add.Marker(p.GMacs, p.Y, MarkerShape.FilledCircle, diameters[i], Fill);
            marker.MarkerStyle.OutlineColor = Fill.WithAlpha(255);
            marker.MarkerStyle.OutlineWidth = 1;
            var text = plot.Add.Text(p.Label, p.GMacs, p.Y);
            text.LabelFontSize = 12;
            text.LabelAlignment = Alignment.LowerLeft;

            // Up and to the right of the bubble's rim, so that the label does not cover the bubble.
            text.LabelOffsetX = (diameters[i] / 2) * 0.7f;
            text.LabelOffsetY = -(diameters[i] / 2) * 0.7f;
        }

        // The size key goes in the axis label, where no bubble can hide it.
        var largestPoint = points.MaxBy(p => p.Params)!;
        plot.Title(title);
        plot.XLabel($"G MACs per image (bubble area ∝ parameters; largest: {largestPoint.Label}, {Units.Count(largestPoint.Params)})");
        plot.YLabel(yLabel);
        SetLimits(plot, points);
        if (Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, Width, Height);
        }
        else
        {
            plot.SavePng(path, Width, Height);
        }

        return [.. points.Select((p, i) =>
        {
            var pixel = plot.GetPixel(new Coordinates(p.GMacs, p.Y));
            return new DrawnBubble(p.Label, pixel.X, pixel.Y, diameters[i]);
        })];
    }

    /// <summary>
    /// x from 0 (the lecture's figure compares against "no work") to a quarter past the largest, which leaves room for
    /// the labels right of the bubbles; y a sixth of the range (at least 1) beyond the extremes, for the largest bubbles.
    /// </summary>
    private static void SetLimits(Plot plot, IReadOnlyList<ChartPoint> points)
    {
        double maxX = Math.Max(points.Max(p => p.GMacs), 1e-3);
        double minY = points.Min(p => p.Y);
        double maxY = points.Max(p => p.Y);
        double pad = Math.Max((maxY - minY) / 6, Math.Max(Math.Abs(maxY) * 0.05, 1e-3));
        plot.Axes.SetLimits(0, maxX * 1.25, Math.Max(0, minY - pad), maxY + pad);
    }

    /// <summary>A diameter whose square (the area) is proportional to <paramref name="parameters"/>.</summary>
    private static float Diameter(long parameters, long largest) =>
        Math.Max(MinDiameter, MaxDiameter * (float)Math.Sqrt((double)parameters / largest));
}
