using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Runtime.Planning;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary><c>cnngpu summary &lt;network&gt; [--input N] [--stride-on-1x1] [--plan] [--json]</c> and <c>cnngpu summary --list</c>.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var network = new Argument<string?>("network") { Description = "A zoo network (see --list) or an ONNX file.", Arity = ArgumentArity.ZeroOrOne };
        var input = new Option<int?>("--input") { Description = "Square input side (default: 227 for the AlexNets, 224 otherwise)." };
        var strideOn1x1 = new Option<bool>("--stride-on-1x1") { Description = "ResNet v1 (paper): stride on the bottleneck's first 1x1 instead of the 3x3." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var list = new Option<bool>("--list") { Description = "List the zoo's networks." };
        var plan = new Option<bool>("--plan") { Description = "Also report the memory planner's peak activation memory against the naive sum (batch 1)." };
        var command = new Command("summary", "Per-layer complexity of a network: shapes, params, MACs, memory, receptive field.")
        {
            network, input, strideOn1x1, json, list, plan,
        };
        command.SetAction(parse => Run(
            Consoles.ForOutput(),
            parse.GetValue(network),
            parse.GetValue(input),
            parse.GetValue(strideOn1x1),
            parse.GetValue(json),
            parse.GetValue(list),
            parse.GetValue(plan)));
        return command;
    }

    /// <summary>Runs the command; JSON goes unformatted to the console's underlying writer.</summary>
    internal static int Run(IAnsiConsole console, string? network, int? input, bool strideOnFirst1x1, bool json, bool list, bool plan = false, TextWriter? error = null)
    {
        if (list || network is null)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("network").AddColumn("description");
            foreach (string name in NetworkZoo.Names)
            {
                table.AddRow(name, Markup.Escape(NetworkZoo.Describe(name)));
            }

            console.Write(table);
            return network is null && !list ? 1 : 0;
        }

        try
        {
            var graph = Models.Load(network, new NetworkOptions(input, strideOnFirst1x1, Weights: WeightInitializer.ShapesOnly));
            var report = ComplexityAnalyzer.Analyze(graph);
            var memory = plan ? PlanAsExecuted(graph) : null;
            if (json)
            {
                // Raw writer: Spectre would wrap long lines; for the terminal this is Console.Out.
                console.Profile.Out.Writer.WriteLine(ComplexityJson.Write(report, memory is null ? null : w => WritePlan(w, memory)));
            }
            else
            {
                ComplexityTable.Render(console, report);
                if (memory is not null)
                {
                    console.WriteLine(PlanLine(memory));
                }
            }

            return 0;
        }
        catch (CnnGpuException e)
        {
            (error ?? Console.Error).WriteLine($"cnngpu summary: {e.Message}");
            return 2;
        }
    }

    /// <summary>The batch-1 memory plan of the graph as a session runs it: after the graph passes.</summary>
    internal static MemoryPlan PlanAsExecuted(ComputeGraph graph)
    {
        var executed = GraphOptimizer.Optimize(graph);
        return MemoryPlanner.Plan(executed, ShapeInference.Infer(executed, batch: 1));
    }

    /// <summary><c>plan: peak X MB of naive Y MB (Z%)</c>.</summary>
    internal static string PlanLine(MemoryPlan memory) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"plan (after graph passes): peak {Units.Megabytes(memory.PeakActivationBytes)} of naive {Units.Megabytes(memory.NaiveActivationBytes)} ({Percent(memory):0.0}%)");

    private static double Percent(MemoryPlan memory) =>
        memory.NaiveActivationBytes == 0 ? 0 : 100.0 * memory.PeakActivationBytes / memory.NaiveActivationBytes;

    private static void WritePlan(Utf8JsonWriter w, MemoryPlan memory)
    {
        w.WriteStartObject("plan");
        w.WriteNumber("peakActivationBytes", memory.PeakActivationBytes);
        w.WriteNumber("naiveActivationBytes", memory.NaiveActivationBytes);
        w.WriteEndObject();
    }
}
