using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Session;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu summary &lt;network&gt; [--input N] [--stride-on-1x1] [--plan [--backend B] [--batch N]] [--json]</c> and
/// <c>cnngpu summary --list</c>; <c>cnngpu summary [networks…] --compare [--json]</c> and <c>--chart out.png|svg</c>
/// compare several networks (<see cref="SummaryCompare"/>). With <c>--backend</c>, <c>--plan</c> builds a session on that backend and adds its
/// execution plan: every step's algorithm and output layout, the layout conversions, and the arena.
/// </summary>
internal static class SummaryCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var networks = new Argument<string[]>("network") { Description = "A zoo network (see --list), tinynet, or an ONNX file; several with --compare or --chart (default: the whole zoo).", Arity = ArgumentArity.ZeroOrMore };
        var input = new Option<int?>("--input") { Description = $"Square input side (1–{Arguments.MaxInput}; default: 227 for the AlexNets, 299 for the Inception-ResNets, 224 otherwise)." };
        var strideOn1x1 = new Option<bool>("--stride-on-1x1") { Description = "ResNet v1 (paper): stride on the bottleneck's first 1x1 instead of the 3x3." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var list = new Option<bool>("--list") { Description = "List the zoo's networks." };
        var plan = new Option<bool>("--plan") { Description = "Also report the memory planner's peak activation memory against the naive sum; with --backend, the execution plan on that backend." };
        var backend = new Option<string?>("--backend", "-b") { Description = "With --plan: build a session on this backend (auto | cpu[:512|:256|:128] | reference | ilgpu-cpu | cuda[:i] | opencl[:i]) and list each step's algorithm and layout." };
        var batch = new Option<int?>("--batch") { Description = $"With --plan: the batch size planned (1–{Arguments.MaxBatch}; default 1)." };
        var compare = new Option<bool>("--compare") { Description = "The networks (default: the whole zoo) side by side: params, G MACs, activation memory, the papers' top-1/top-5 errors." };
        var chart = new Option<string?>("--chart") { Description = "Write the complexity chart (x: G MACs, y: the papers' top-1 error, bubble area: params) to a .png or .svg file." };
        var command = new Command("summary", "Per-layer complexity of a network: shapes, params, MACs, memory, receptive field; --plan adds the memory and execution plan.")
        {
            networks, input, strideOn1x1, json, list, plan, backend, batch, compare, chart,
        };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var console = Consoles.ForOutput(config.Output);
            string[] names = parse.GetValue(networks) ?? [];
            bool verbose = CliInvocation.IsVerbose(parse);
            if (parse.GetValue(compare) || parse.GetValue(chart) is not null)
            {
                return ManyMisuse(parse.GetValue(input), parse.GetValue(list), parse.GetValue(plan), parse.GetValue(backend), parse.GetValue(batch)) is { } usage
                    ? CliErrors.Fail(config.Error, "summary", usage, ExitCodes.Usage)
                    : SummaryCompare.Run(console, names, parse.GetValue(compare), parse.GetValue(chart), parse.GetValue(json), parse.GetValue(strideOn1x1), config.Error, verbose);
            }

            if (names.Length > 1)
            {
                return CliErrors.Fail(config.Error, "summary", "name one network, or add --compare or --chart to compare several.", ExitCodes.Usage);
            }

            return Run(
                console,
                names.FirstOrDefault(),
                parse.GetValue(input),
                parse.GetValue(strideOn1x1),
                parse.GetValue(json),
                parse.GetValue(list),
                parse.GetValue(plan),
                config.Error,
                parse.GetValue(backend),
                parse.GetValue(batch),
                verbose);
        });
        return Examples.Add(command, "cnngpu summary resnet50", "cnngpu summary --compare", "cnngpu summary --chart complexity.png");
    }

    /// <summary>Runs the command; JSON goes unformatted to the console's underlying writer. Returns the exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="console">Where the report goes.</param>
    /// <param name="network">A zoo name, tinynet or an ONNX path; null lists the zoo (and fails unless <paramref name="list"/>).</param>
    /// <param name="input">Square input side of a zoo network.</param>
    /// <param name="strideOnFirst1x1">ResNet v1 (paper) instead of v1.5.</param>
    /// <param name="json">JSON instead of tables.</param>
    /// <param name="list">List the zoo.</param>
    /// <param name="plan">Add the memory plan (and the execution plan with <paramref name="backend"/>).</param>
    /// <param name="error">Where errors go; standard error when null.</param>
    /// <param name="backend">With <paramref name="plan"/>: the backend to build a session on.</param>
    /// <param name="batch">With <paramref name="plan"/>: the batch size planned (default 1).</param>
    /// <param name="verbose">Full exceptions instead of one line.</param>
    internal static int Run(
        IAnsiConsole console, string? network, int? input, bool strideOnFirst1x1, bool json, bool list, bool plan = false, TextWriter? error = null,
        string? backend = null, int? batch = null, bool verbose = false)
    {
        error ??= Console.Error;
        if (list || network is null)
        {
            ZooList.Render(console);
            if (network is null && !list)
            {
                // The list helps; the command line still lacked its network: a usage error, like every command's.
                return CliErrors.Fail(error, "summary", "name a network from the list above, an ONNX file, or give --list.", ExitCodes.Usage);
            }

            return 0;
        }

        if (Misuse(network, input, strideOnFirst1x1, plan, backend, batch) is { } usage)
        {
            return Fail(error, usage, ExitCodes.Usage);
        }

        if (strideOnFirst1x1 && Arguments.StrideIgnored(network) is { } ignored)
        {
            error.WriteLine($"cnngpu summary: warning: {ignored}");
        }

        int planBatch = batch ?? 1;
        IBackend? device = null;
        try
        {
            if (backend is not null)
            {
                device = BackendFactory.Open(backend);
            }
        }
        catch (DeviceException e)
        {
            return Fail(error, e.Message, ExitCodes.Usage);
        }

        try
        {
            ComputeGraph graph;
            try
            {
                // A session needs the weights (it packs and uploads them); the report alone needs only the shapes.
                graph = Arguments.Load(network, new NetworkOptions(input, strideOnFirst1x1, Weights: device is null ? WeightInitializer.ShapesOnly : null));
            }
            catch (CnnGpuException e)
            {
                // A wrong name, an input the architecture cannot take, a file that is not ONNX: as before, the command line's fault.
                return Fail(error, e.Message, ExitCodes.Usage);
            }

            var report = ComplexityAnalyzer.Analyze(graph);
            var memory = plan ? PlanAsExecuted(graph, planBatch) : null;
            var execution = device is null ? null : ExecutionPlanOf(graph, device, planBatch);
            if (json)
            {
                // Raw writer: Spectre would wrap long lines; for the terminal this is Console.Out.
                console.Profile.Out.Writer.WriteLine(ComplexityJson.Write(report, memory is null ? null : w =>
                {
                    WritePlan(w, memory, planBatch);
                    if (execution is not null)
                    {
                        PlanTable.WriteJson(w, execution);
                    }
                }));
            }
            else
            {
                ComplexityTable.Render(console, report);
                if (memory is not null)
                {
                    console.WriteLine(PlanLine(memory, planBatch));
                }

                if (execution is not null)
                {
                    PlanTable.Render(console, execution);
                }
            }

            return ExitCodes.Success;
        }
#pragma warning disable CA1031 // The CLI boundary: a network the backend cannot run (or any other failure) is one line on stderr, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return CliErrors.Fail(error, "summary", e, verbose);
        }
        finally
        {
            if (device is not null)
            {
                Backends.Close(device);
            }
        }
    }

    /// <summary>The memory plan of the graph as a session runs it (after the graph passes), in NCHW, for <paramref name="batch"/>.</summary>
    /// <param name="graph">The network.</param>
    /// <param name="batch">Batch size.</param>
    internal static MemoryPlan PlanAsExecuted(ComputeGraph graph, int batch = 1)
    {
        var executed = GraphOptimizer.Optimize(graph);
        return MemoryPlanner.Plan(executed, ShapeInference.Infer(executed, batch));
    }

    /// <summary><c>plan (after graph passes): peak X MB of naive Y MB (Z%)</c>, with the batch when it is not 1.</summary>
    /// <param name="memory">A memory plan.</param>
    /// <param name="batch">The batch size it was planned for.</param>
    internal static string PlanLine(MemoryPlan memory, int batch = 1) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"plan (after graph passes{(batch == 1 ? string.Empty : $", batch {batch}")}): peak {Units.Megabytes(memory.PeakActivationBytes)} of naive {Units.Megabytes(memory.NaiveActivationBytes)} ({Percent(memory):0.0}%)");

    /// <summary>The session's plan on <paramref name="device"/>: each step's algorithm and layout, and its arena.</summary>
    private static ExecutionPlanReport ExecutionPlanOf(ComputeGraph graph, IBackend device, int batch)
    {
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = device, MaxBatch = batch });
        return new ExecutionPlanReport(graph.Name, device.Name, device.DeviceName, batch, session.PlanFor(batch), session.MemoryPlanFor(batch));
    }

    /// <summary>What is wrong with the command line, or null when nothing is.</summary>
    private static string? Misuse(string network, int? input, bool strideOnFirst1x1, bool plan, string? backend, int? batch)
    {
        if ((Arguments.OutOfRange("--input", input, 1, Arguments.MaxInput) ?? Arguments.OutOfRange("--batch", batch, 1, Arguments.MaxBatch)) is { } range)
        {
            return range;
        }

        if (!Arguments.IsZooBuild(network) && (input is not null || strideOnFirst1x1) && Arguments.UnknownModel(network) is null)
        {
            return $"--input and --stride-on-1x1 build zoo networks; '{network}' is not one (its input size is fixed).";
        }

        if (!plan && (backend is not null || batch is not null))
        {
            return "--backend and --batch choose the plan --plan prints; add --plan.";
        }

        if (backend is not null && string.IsNullOrWhiteSpace(backend))
        {
            return "--backend is empty.";
        }

        return Arguments.UnknownModel(network);
    }

    /// <summary>What is wrong with options that <c>--compare</c> and <c>--chart</c> do not take, or null.</summary>
    private static string? ManyMisuse(int? input, bool list, bool plan, string? backend, int? batch) =>
        input is not null ? "--compare and --chart report each network at its own input size; drop --input."
        : list || plan || backend is not null || batch is not null ? "--list, --plan, --backend and --batch do not go with --compare or --chart."
        : null;

    private static double Percent(MemoryPlan memory) =>
        memory.NaiveActivationBytes == 0 ? 0 : 100.0 * memory.PeakActivationBytes / memory.NaiveActivationBytes;

    private static void WritePlan(Utf8JsonWriter w, MemoryPlan memory, int batch)
    {
        w.WriteStartObject("plan");
        w.WriteNumber("peakActivationBytes", memory.PeakActivationBytes);
        w.WriteNumber("naiveActivationBytes", memory.NaiveActivationBytes);
        if (batch != 1)
        {
            w.WriteNumber("batch", batch);
        }

        w.WriteEndObject();
    }

    private static int Fail(TextWriter error, string message, int code) => CliErrors.Fail(error, "summary", message, code);
}
