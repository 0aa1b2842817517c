using System.Text.Json;
using System.Text.RegularExpressions;
using CnnGpu.Kernels.Simd;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Session;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// <c>cnngpu summary &lt;net&gt; --plan --backend B [--batch N]</c>: the session's plan on that backend, step by step
/// (node, op, the algorithm the backend chose, the layout it writes), the layout conversions and the arena.
/// </summary>
public sealed partial class SummaryExecutionPlanTests
{
    /// <summary>The blocked layout of the widest SIMD path here: not always NCHW16c (CI machines may lack AVX-512).</summary>
    private static string WidestBlockedLayout => $"NCHW{SimdCapabilities.Floats(SimdCapabilities.Widest!.Value)}c";

    [SkippableFact]
    public void Cpu_plan_lists_algorithms_and_blocked_layouts()
    {
        Skip.If(SimdCapabilities.Widest is null, "no SIMD unit for the cpu backend");

        var (code, stdout, stderr) = Cli.Invoke("summary", "tinynet", "--plan", "--backend", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        var rows = PlanRows(stdout);
        var conv = rows.Single(r => r.Node == "stem.conv");
        Assert.Equal("conv", conv.Op);
        Assert.StartsWith("conv/", conv.Algorithm, StringComparison.Ordinal);
        Assert.Equal(WidestBlockedLayout, conv.Layout);
        Assert.Contains(rows, r => r.Op == "fc" && r.Layout == "NCHW");
        var reorder = rows.First(r => r.Op == "reorder");   // tinynet's concat has channel counts that are not whole blocks
        Assert.StartsWith("reorder ", reorder.Algorithm, StringComparison.Ordinal);
        Assert.Contains("→", reorder.Node, StringComparison.Ordinal);

        string header = Cli.Lines(stdout).Single(l => l.Contains("execution plan on", StringComparison.Ordinal));
        Assert.StartsWith("tinynet execution plan on cpu (", header, StringComparison.Ordinal);
        Assert.Contains(SimdCapabilities.Describe(SimdCapabilities.Widest!.Value), header, StringComparison.Ordinal);
        Assert.EndsWith("), batch 1", header, StringComparison.Ordinal);

        // The same steps, in the same order, as a session built here reports; and its arena.
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { Backend = "cpu", MaxBatch = 1 });
        var steps = session.PlanFor(1);
        Assert.Equal(steps.Select(s => (s.Name, s.Algorithm, s.OutputLayout.ToString())), rows.Select(r => (r.Node, r.Algorithm, r.Layout)));
        var arena = ArenaLine().Match(Cli.Lines(stdout)[^1]);
        Assert.True(arena.Success, Cli.Lines(stdout)[^1]);
        Assert.Equal(session.MemoryPlanFor(1).PeakActivationBytes / (1024.0 * 1024), double.Parse(arena.Groups["mb"].Value, System.Globalization.CultureInfo.InvariantCulture), 1);
        Assert.Equal(steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), arena.Groups["steps"].Value);
        Assert.Equal(steps.Count(s => s.Kind is null).ToString(System.Globalization.CultureInfo.InvariantCulture), arena.Groups["conversions"].Value);
    }

    [SkippableFact]
    public void A_forced_narrow_width_plans_its_own_blocked_layout()
    {
        Skip.IfNot(SimdCapabilities.IsAccelerated(SimdWidth.V128), "no 128-bit SIMD");

        var (code, stdout, stderr) = Cli.Invoke("summary", "resnet18", "--input", "64", "--plan", "--backend", "cpu:128");

        Assert.True(code == 0, stderr);
        var rows = PlanRows(stdout);
        Assert.All(rows.Where(r => r.Op == "conv"), r => Assert.Equal("NCHW4c", r.Layout));
        Assert.All(rows.Where(r => r.Op == "conv"), r => Assert.StartsWith("conv/", r.Algorithm, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Algorithm.EndsWith("+residual", StringComparison.Ordinal));   // the block's add, fused into its last conv
    }

    [SkippableFact]
    public void Json_has_the_steps_the_arena_and_the_batch()
    {
        Skip.If(SimdCapabilities.Widest is null, "no SIMD unit for the cpu backend");

        var (code, stdout, stderr) = Cli.Invoke("summary", "resnet18", "--input", "64", "--plan", "--backend", "cpu", "--batch", "3", "--json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(["network", "input", "layers", "totals", "plan", "execution"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, root.GetProperty("plan").GetProperty("batch").GetInt32());
        var execution = root.GetProperty("execution");
        Assert.Equal(["backend", "device", "batch", "arenaBytes", "naiveActivationBytes", "steps"], execution.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cpu", execution.GetProperty("backend").GetString());
        Assert.Equal(3, execution.GetProperty("batch").GetInt32());

        using var session = new InferenceSession(NetworkZoo.Build("resnet18", new NetworkOptions(64)), new SessionOptions { Backend = "cpu", MaxBatch = 3 });
        var plan = session.PlanFor(3);
        var memory = session.MemoryPlanFor(3);
        Assert.Equal(memory.PeakActivationBytes, execution.GetProperty("arenaBytes").GetInt64());
        Assert.Equal(memory.NaiveActivationBytes, execution.GetProperty("naiveActivationBytes").GetInt64());
        var steps = execution.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(
            plan.Select(s => (s.Name, s.Kind is { } k ? Networks.Complexity.ComplexityAnalyzer.OpName(k) : "reorder", s.Algorithm, s.OutputLayout.ToString(), s.Elided)),
            steps.Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("op").GetString()!, s.GetProperty("algorithm").GetString()!, s.GetProperty("layout").GetString()!, s.GetProperty("elided").GetBoolean())));
        Assert.Contains(steps, s => s.GetProperty("layout").GetString() == WidestBlockedLayout && s.GetProperty("algorithm").GetString()!.StartsWith("conv/", StringComparison.Ordinal));
    }

    [Fact]
    public void Reference_plan_runs_everything_in_nchw()
    {
        var (code, stdout, stderr) = Cli.Invoke("summary", "tinynet", "--plan", "--backend", "reference");

        Assert.True(code == 0, stderr);
        var rows = PlanRows(stdout);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("NCHW", r.Layout));
        Assert.DoesNotContain(rows, r => r.Op == "reorder");
        Assert.Matches(@"^arena \(reference, batch 1\): .* 0 layout conversions, \d+ elided$", Cli.Lines(stdout)[^1]);
    }

    [Fact]
    public void Without_a_backend_the_output_has_no_execution_plan()
    {
        var (code, stdout, _) = Cli.Invoke("summary", "tinynet", "--plan");

        Assert.Equal(0, code);
        Assert.StartsWith("plan (after graph passes): peak ", Cli.Lines(stdout)[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("execution plan", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("arena", stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["tinynet", "--backend", "cpu"], "cnngpu summary: --backend and --batch choose the plan --plan prints; add --plan." },
        { ["tinynet", "--batch", "2"], "cnngpu summary: --backend and --batch choose the plan --plan prints; add --plan." },
        { ["tinynet", "--plan", "--batch", "0"], "cnngpu summary: --batch must be between 1 and 4096, got 0." },
        { ["resnet18", "--input", "-5"], "cnngpu summary: --input must be between 1 and 4096, got -5." },
        { ["resnet18", "--input", "0", "--plan"], "cnngpu summary: --input must be between 1 and 4096, got 0." },
        { ["tinynet", "--plan", "--backend", "tpu"], "cnngpu summary: Unknown backend 'tpu'." },
        { ["lenet", "--plan", "--backend", "cpu"], "cnngpu summary: 'lenet' is neither an existing ONNX file nor a known network name" },
        { ["alexnet", "--input", "16"], "cnngpu summary: MaxPool 'features.5'" },
        { ["tinynet", "--input", "64"], "cnngpu summary: --input and --stride-on-1x1 build zoo networks; 'tinynet' is not one" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_are_one_line_errors_with_exit_2(string[] arguments, string expected)
    {
        var (code, stdout, stderr) = Cli.Invoke(["summary", .. arguments]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        string line = Assert.Single(Cli.Lines(stderr));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(Cli.StackFrame, line);
    }

    /// <summary>The rows of the plan table: "#  node  op  algorithm  layout" after the "execution plan on" line.</summary>
    private static List<(string Node, string Op, string Algorithm, string Layout)> PlanRows(string stdout)
    {
        var lines = Cli.Lines(stdout);
        int start = Array.FindIndex(lines, l => l.Contains("execution plan on", StringComparison.Ordinal));
        Assert.True(start >= 0, stdout);
        var rows = new List<(string, string, string, string)>();
        foreach (string line in lines.Skip(start + 1))
        {
            var m = PlanRow().Match(line);
            if (m.Success)
            {
                rows.Add((m.Groups["node"].Value, m.Groups["op"].Value, m.Groups["algorithm"].Value.Trim(), m.Groups["layout"].Value));
            }
        }

        return rows;
    }

    [GeneratedRegex(@"^\d+\s+(?<node>\S+)\s+(?<op>\S+)\s+(?<algorithm>\S.*?)\s+(?<layout>NCHW(\d+c)?)$")]
    private static partial Regex PlanRow();

    [GeneratedRegex(@"^arena \((?<backend>[\w:-]+), batch \d+\): (?<mb>[\d.]+) MB for (?<steps>\d+) steps \(naive [\d.]+ MB, [\d.]+%\), (?<conversions>\d+) layout conversions?, \d+ elided$")]
    private static partial Regex ArenaLine();
}
