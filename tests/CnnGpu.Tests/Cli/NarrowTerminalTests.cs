using CnnGpu.Cli.Commands;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// Every table fits an 80-column terminal (<c>console.Profile.Width</c>) without a cell broken mid-word: the summary of
/// every zoo network, the bench and profile tables and the execution plan of a tinynet run, and the network list.
/// </summary>
public sealed class NarrowTerminalTests
{
    private const int Width = 80;

    public static TheoryData<string> Networks => [.. NetworkZoo.Names, TinyNet.Name];

    [Theory]
    [MemberData(nameof(Networks))]
    public void Summary_fits_80_columns_with_every_layer_on_one_line(string network)
    {
        var (console, writer) = TestConsoles.Create(Width);
        Assert.Equal(0, SummaryCommand.Run(console, network, null, false, false, false));
        string text = writer.ToString();

        NarrowTables.AssertFits(text, Width);
        var graph = network == TinyNet.Name ? TinyNet.Build() : NetworkZoo.Build(network, new NetworkOptions(Weights: WeightInitializer.ShapesOnly));
        foreach (var l in ComplexityAnalyzer.Analyze(graph).Layers)
        {
            // Name, op, output shape and MACs: the papers' columns, whole and on the layer's line.
            NarrowTables.AssertRow(text, l.Name, OpNames.Short(l.Op), l.OutputText, Units.Count(l.Macs));
        }
    }

    [Fact]
    public void At_100_columns_the_summary_keeps_the_input_column()
    {
        var (console, writer) = TestConsoles.Create(100);
        Assert.Equal(0, SummaryCommand.Run(console, "vgg16", null, false, false, false));
        NarrowTables.AssertFits(writer.ToString(), 100);

        // features.0 is VGG-16's first conv: 3x224x224 in, 64x224x224 out.
        NarrowTables.AssertRow(writer.ToString(), "features.0", "conv", "3x224x224", "3x3/1/1", "64x224x224");
    }

    [Fact]
    public void Bench_and_profile_tables_of_a_tinynet_run_fit_80_columns()
    {
        var (console, writer) = TestConsoles.Create(Width);
        var settings = new BenchSettings(["tinynet"], "cpu", Batch: 1, Input: null, Iterations: 3, MinSeconds: 0.01, Profile: true);
        Assert.Equal(0, BenchCommand.Run(console, settings, new StringWriter()));
        string text = writer.ToString();

        NarrowTables.AssertFits(text, Width);
        NarrowTables.AssertRow(text, "stem.conv", "conv");
        NarrowTables.AssertRow(text, "tinynet", "3");   // the results row: network and runs
        Assert.Contains("median ms", text, StringComparison.Ordinal);
        Assert.Contains("GFLOP/s", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execution_plan_of_tinynet_fits_80_columns()
    {
        var (console, writer) = TestConsoles.Create(Width);
        Assert.Equal(0, SummaryCommand.Run(console, "tinynet", null, false, false, false, plan: true, error: new StringWriter(), backend: "cpu"));
        string text = writer.ToString();

        NarrowTables.AssertFits(text, Width);
        NarrowTables.AssertRow(text, "stem.conv");
        Assert.Contains("algorithm", text, StringComparison.Ordinal);
        Assert.Contains("arena (cpu, batch 1)", text.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Device_table_fits_80_columns_with_every_device_and_the_auto_mark()
    {
        var (console, writer) = TestConsoles.Create(Width);
        Assert.Equal(0, DevicesCommand.Run(console));
        string text = writer.ToString();

        NarrowTables.AssertFits(text, Width);
        string auto = Runtime.Backends.BackendFactory.ResolveAuto();
        foreach (var device in Runtime.Backends.BackendFactory.ListDevices())
        {
            Assert.Contains(text.Split('\n'), l => l.StartsWith($"│ {device.Id} ", StringComparison.Ordinal) && l.Contains(device.Name, StringComparison.Ordinal)
                && l.Contains("◀ auto", StringComparison.Ordinal) == (device.Id == auto));
        }
    }

    [Fact]
    public void Network_list_fits_80_columns_and_names_tinynet()
    {
        var (console, writer) = TestConsoles.Create(Width);
        Assert.Equal(0, SummaryCommand.Run(console, null, null, false, false, list: true));
        NarrowTables.AssertFits(writer.ToString(), Width);
        foreach (string name in NetworkZoo.Names.Append(TinyNet.Name))
        {
            Assert.Matches($@"(?m)^\s*{System.Text.RegularExpressions.Regex.Escape(name)}\s", writer.ToString());
        }
    }
}
