using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using CnnGpu.Cli.Commands;
using CnnGpu.Networks.Zoo;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// What every command shares: help that ends with a real example, <c>--version</c>, one-line errors with a non-zero
/// exit (the whole exception only with the global <c>--verbose</c>), and the small truths of issue #10.
/// </summary>
public sealed class CliUxTests
{
    /// <summary>The commands this project's CLI tests create directly; the executable's full list is read from its help.</summary>
    private static readonly string[] Own = ["bench", "summary", "devices", "run", "export"];

    public static TheoryData<string> OwnCommands => [.. Own];

    [Fact]
    public void Every_command_of_the_executable_ends_its_help_with_an_example()
    {
        var (code, stdout, _) = Cli.Process("--help");
        Assert.Equal(0, code);
        var commands = stdout[stdout.IndexOf("Commands:", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).Select(l => l.Trim()).TakeWhile(l => l.Length > 0).Select(l => l.Split(' ')[0]).ToList();
        Assert.Superset(Own.ToHashSet(), commands.ToHashSet());

        foreach (string command in commands)
        {
            (code, stdout, _) = Cli.Process(command, "--help");
            Assert.Equal(0, code);
            var lines = Cli.Lines(stdout);
            int example = Array.FindLastIndex(lines, l => l is "Example:" or "Examples:");
            Assert.True(example > 0, $"'{command} --help' has no example");
            Assert.All(lines[(example + 1)..], l => Assert.True(l == $"cnngpu {command}" || l.StartsWith($"cnngpu {command} ", StringComparison.Ordinal), l));
            Assert.True(lines.Length > example + 1, $"'{command} --help' has an empty example");
        }
    }

    [Theory]
    [MemberData(nameof(OwnCommands))]
    public void Examples_are_real_command_lines_that_parse(string name)
    {
        var command = Create(name);
        var root = new RootCommand("test") { command };
        var examples = Examples.Of(command);
        Assert.NotEmpty(examples);
        foreach (string example in examples)
        {
            var parse = root.Parse(example.Split(' ')[1..]);
            Assert.True(parse.Errors.Count == 0, $"{example}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public void Help_in_process_ends_with_the_examples()
    {
        var (code, stdout, _) = Cli.Invoke("summary", "--help");
        Assert.Equal(0, code);
        Assert.EndsWith("Examples:\n  cnngpu summary resnet50\n  cnngpu summary --compare\n  cnngpu summary --chart complexity.png", stdout.ReplaceLineEndings("\n").TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_assembly_version()
    {
        var (code, stdout, stderr) = Cli.Process("--version");
        Assert.Equal(0, code);
        Assert.Empty(stderr);

        // The version Directory.Build.props sets, as the built executable carries it.
        string expected = typeof(CliInvocation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, stdout.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
    }

    [Fact]
    public void A_command_line_that_does_not_parse_is_one_line_and_exit_2()
    {
        var (code, stdout, stderr) = Cli.Invoke("bench", "--iterations", "many");
        Assert.Equal(2, code);
        Assert.Empty(stdout);   // no help dumped after the error
        string line = Assert.Single(Cli.Lines(stderr));
        Assert.StartsWith("cnngpu bench: ", line, StringComparison.Ordinal);
        Assert.Contains("'many'", line, StringComparison.Ordinal);
        Assert.EndsWith("See 'cnngpu bench --help'.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_a_command_lets_escape_is_one_line_and_exit_1()
    {
        var (code, stdout, stderr) = InvokeThrowing();
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Equal("cnngpu boom: the disk is on fire", Assert.Single(Cli.Lines(stderr)));
        Assert.DoesNotMatch(Cli.StackFrame, stderr);
    }

    [Fact]
    public void Verbose_shows_the_whole_exception_with_its_stack_trace()
    {
        var (code, _, stderr) = InvokeThrowing("--verbose");
        Assert.Equal(1, code);
        Assert.Contains(typeof(InvalidOperationException).FullName!, stderr, StringComparison.Ordinal);
        Assert.Contains("on fire", stderr, StringComparison.Ordinal);
        Assert.Matches(Cli.StackFrame, stderr);
    }

    [Fact]
    public void Verbose_applies_to_the_errors_commands_catch_themselves()
    {
        // export of an ONNX file that is not one: caught by the command, reported in full only with --verbose.
        using var scratch = new Onnx.Scratch();
        string notOnnx = scratch.File("not.onnx");
        File.WriteAllText(notOnnx, "not a model");
        var (code, _, stderr) = Cli.Invoke("export", notOnnx, scratch.File("out.onnx"));
        Assert.Equal(1, code);
        Assert.DoesNotMatch(Cli.StackFrame, Assert.Single(Cli.Lines(stderr)));

        (code, _, stderr) = Cli.Invoke("export", notOnnx, scratch.File("out.onnx"), "--verbose");
        Assert.Equal(1, code);
        Assert.Matches(Cli.StackFrame, stderr);
    }

    [Fact]
    public void Stride_on_1x1_warns_where_there_is_no_bottleneck()
    {
        var (code, _, stderr) = Cli.Invoke("summary", "vgg16", "--stride-on-1x1");
        Assert.Equal(0, code);
        Assert.Equal("cnngpu summary: warning: --stride-on-1x1 changes nothing on vgg16: it has no downsampling bottleneck blocks.", Assert.Single(Cli.Lines(stderr)));

        // ResNet-18's basic blocks have no 1x1 to move the stride to; ResNet-50's bottlenecks do (3.86 vs 4.09 G MACs in the seed).
        Assert.Contains("changes nothing on resnet18", Cli.Invoke("summary", "resnet18", "--stride-on-1x1").Stderr, StringComparison.Ordinal);
        Assert.Empty(Cli.Invoke("summary", "resnet50", "--stride-on-1x1").Stderr);
    }

    [Fact]
    public void Export_with_stride_on_1x1_warns_too()
    {
        using var scratch = new Onnx.Scratch();
        var (code, _, stderr) = Cli.Invoke("export", "alexnet", scratch.File("a.onnx"), "--stride-on-1x1", "--input", "67");
        Assert.Equal(0, code);
        Assert.Contains("warning: --stride-on-1x1 changes nothing on alexnet", Assert.Single(Cli.Lines(stderr)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, BenchCommand.MinTimedRuns)]
    [InlineData(2, 2)]
    public void A_spent_time_budget_still_gets_the_minimum_timed_runs(int iterations, int expectedRuns)
    {
        // 1 µs of budget is spent by the first run; the median still comes from MinTimedRuns runs unless --iterations asks fewer.
        var (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "-b", "reference", "-n", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), "--min-seconds", "0.000001", "--warmup", "1", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Matches($@"tinynet: \S+ ms/batch \(median of {expectedRuns}\)", Cli.Invoke("bench", "tinynet", "-b", "reference", "-n", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), "--min-seconds", "0.000001", "--warmup", "1").Stdout);
        Assert.Equal(3, BenchCommand.MinTimedRuns);
    }

    [Fact]
    public void Bench_over_several_networks_reports_progress_on_stderr_and_nothing_with_json()
    {
        string[] args = ["bench", "resnet18", "resnet34", "--input", "32", "-b", "cpu", "-n", "1", "--warmup", "1"];
        var (code, stdout, stderr) = Cli.Invoke(args);
        Assert.True(code == 0, stderr);
        Assert.Contains("bench: 2/2 in ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("bench: 2/2", stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = Cli.Invoke([.. args, "--json"]);
        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public void List_names_tinynet_with_the_zoo()
    {
        var (code, stdout, _) = Cli.Invoke("summary", "--list");
        Assert.Equal(0, code);
        Assert.All(NetworkZoo.Names.Append(TinyNet.Name), n => Assert.Matches($@"(?m)^\s*{System.Text.RegularExpressions.Regex.Escape(n)}\s", stdout));
    }

    private static Command Create(string name) => name switch
    {
        "bench" => BenchCommand.Create(),
        "summary" => SummaryCommand.Create(),
        "devices" => DevicesCommand.Create(),
        "run" => RunCommand.Create(),
        "export" => ExportCommand.Create(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>A root with one command whose action throws, invoked as Program invokes the real one.</summary>
    private static (int Code, string Stdout, string Stderr) InvokeThrowing(params string[] extra)
    {
        var boom = new Command("boom");
        boom.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("the disk is\non fire")));
        var root = new RootCommand("test") { boom };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliInvocation.Invoke(root, ["boom", .. extra], new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
