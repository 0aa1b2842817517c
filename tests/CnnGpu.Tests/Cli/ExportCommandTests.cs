using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Tests.Onnx;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// <c>cnngpu export</c> end to end: the written file runs in ONNX Runtime like the network runs in
/// CnnGpu; every error is one line on stderr, exit 2 for a wrong command line and 1 for a failure.
/// </summary>
public sealed partial class ExportCommandTests : IDisposable
{
    /// <summary>A stack-trace line: "at Namespace.Type.Method(".</summary>
    private const string StackFrame = @"\bat [\w.`<>|]+\(";

    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Exports_a_network_that_onnx_runtime_runs_like_cnngpu()
    {
        string path = _scratch.File("tiny.onnx");

        var (code, stdout, stderr) = Invoke("export", "tinynet", path);

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        var summary = SummaryLine().Match(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('\r'));
        Assert.True(summary.Success, stdout);
        Assert.Equal((path, "tinynet"), (summary.Groups["path"].Value, summary.Groups["net"].Value));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(model.Graph.Node.Count, int.Parse(summary.Groups["nodes"].Value, CultureInfo.InvariantCulture));
        var graph = TinyNet.Build();
        Assert.Equal(graph.Parameters.Sum(p => (long)p.Constant!.Shape.ElementCount), long.Parse(summary.Groups["params"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        Assert.Equal(new FileInfo(path).Length / (1024.0 * 1024), double.Parse(summary.Groups["mb"].Value, CultureInfo.InvariantCulture), 2);

        var input = RandomData.Uniform(21, 0f, 1f, 2, 3, 32, 32);
        using var oracle = new OrtOracle(path);
        using var backend = new ReferenceBackend();
        using var executor = new Executor(graph, backend);
        Tolerance.AssertClose(oracle.Run(input)[0].Data, executor.Run(input).Data, "exported tinynet");
    }

    [Fact]
    public void Input_and_stride_options_build_the_zoo_network()
    {
        string path = _scratch.File("r50.onnx");

        var (code, stdout, stderr) = Invoke("export", "resnet50", path, "--input", "32", "--stride-on-1x1");

        Assert.True(code == 0, stderr);
        Assert.StartsWith($"wrote {path}: resnet50, ", stdout, StringComparison.Ordinal);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal("N", dims[0].DimParam);
        Assert.Equal([3L, 32, 32], dims.Skip(1).Select(d => d.DimValue));

        // ResNet v1 (the paper) downsamples in the first 1x1 of a stage, v1.5 in its 3x3.
        Assert.Equal([2L, 2], Strides(model, "layer2.0.conv1"));
        Assert.Equal([1L, 1], Strides(model, "layer2.0.conv2"));
    }

    [Fact]
    public void An_onnx_file_is_exported_again()
    {
        string first = _scratch.File("first.onnx"), second = _scratch.File("second.onnx");
        Assert.Equal(0, Invoke("export", "tinynet", first).Code);

        var (code, stdout, stderr) = Invoke("export", first, second);

        Assert.True(code == 0, stderr);
        Assert.StartsWith($"wrote {second}: first, ", stdout, StringComparison.Ordinal);
        var input = RandomData.Uniform(22, 0f, 1f, 2, 3, 32, 32);
        using var original = new OrtOracle(first);
        using var again = new OrtOracle(second);
        Tolerance.AssertClose(original.Run(input)[0].Data, again.Run(input)[0].Data, "re-exported tinynet");
    }

    public static TheoryData<string, int, string> BadArguments => new()
    {
        { "unknown network", 2, "'lenet' is neither an existing ONNX file nor a known network name" },
        { "missing onnx file", 2, "missing.onnx' does not exist" },
        { "missing output folder", 2, "does not exist" },
        { "output is a folder", 2, "is a folder" },
        { "input not positive", 2, "--input must be a positive image side, got 0" },
        { "input too small for the network", 2, "does not fit input" },
        { "input for an onnx file", 2, "--input and --stride-on-1x1 build zoo networks" },
        { "missing argument", 2, "Required argument 'out.onnx' missing" },
        { "not onnx", 1, "is not a valid ONNX model" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_are_one_line_errors(string kind, int expectedCode, string expected)
    {
        string[] args = kind switch
        {
            "unknown network" => ["export", "lenet", Output()],
            "missing onnx file" => ["export", _scratch.File("missing.onnx"), Output()],
            "missing output folder" => ["export", "tinynet", _scratch.File(Path.Combine("no-such-folder", "out.onnx"))],
            "output is a folder" => ["export", "tinynet", _scratch.Path],
            "input not positive" => ["export", "alexnet", Output(), "--input", "0"],
            "input too small for the network" => ["export", "alexnet", Output(), "--input", "16"],
            "input for an onnx file" => ["export", ExportedTinyNet(), Output(), "--input", "64"],
            "missing argument" => ["export", "tinynet"],
            "not onnx" => ["export", Path.Combine(TestFiles.Samples, "coffee.png"), Output()],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var before = Directory.GetFileSystemEntries(_scratch.Path);

        var (code, stdout, stderr) = Invoke(args);

        Assert.Equal(expectedCode, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame, line);
        Assert.Equal(before, Directory.GetFileSystemEntries(_scratch.Path));
        if (kind != "missing argument")
        {
            // Our own errors; System.CommandLine adds the usage text to its parse errors.
            Assert.StartsWith("cnngpu export: ", line, StringComparison.Ordinal);
            Assert.Empty(stdout);
        }
    }

    [SkippableFact]
    public void An_unwritable_folder_fails_before_the_network_is_built()
    {
        // /proc accepts no new files, even for root (for whom permission bits would not stop the write).
        Skip.IfNot(OperatingSystem.IsLinux(), "needs Linux's /proc as a folder nobody can write to");

        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = Invoke("export", "vgg19", "/proc/vgg19.onnx");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cnngpu export: cannot write to folder '/proc'", line, StringComparison.Ordinal);

        // Building VGG-19's 143 M seeded weights alone takes seconds; the check comes first.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void The_cnngpu_executable_exports_and_exits_2_on_a_wrong_command_line()
    {
        string path = _scratch.File("tiny.onnx");
        var (code, stdout, stderr) = Process("export", "tinynet", path);
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"wrote {path}: tinynet, ", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(path));

        (code, _, stderr) = Process("export", "tinynet");
        Assert.Equal(2, code);
        Assert.Contains("Required argument 'out.onnx' missing", stderr, StringComparison.Ordinal);

        (code, _, stderr) = Process("export", "lenet", path);
        Assert.Equal(2, code);
        Assert.StartsWith("cnngpu export: 'lenet'", stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^wrote (?<path>.+): (?<net>[\w-]+), (?<nodes>\d+) nodes, (?<params>[\d,]+) parameters \((?<mb>\d+\.\d+) MB\)$")]
    private static partial Regex SummaryLine();

    private static long[] Strides(ModelProto model, string node) =>
        [.. model.Graph.Node.Single(n => n.Name == node).Attribute.Single(a => a.Name == "strides").Ints];

    private string Output() => _scratch.File("out.onnx");

    private string ExportedTinyNet()
    {
        string path = _scratch.File("tiny.onnx");
        Assert.Equal(0, Invoke("export", "tinynet", path).Code);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Invoke(params string[] args) => Cli.Invoke(args);

    private static (int Code, string Stdout, string Stderr) Process(params string[] args) => Cli.Process(args);
}
