using System.CommandLine;
using CnnGpu.Cli.Commands;
using CnnGpu.Networks.Io;
using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Onnx;
using CnnGpu.Tests.Support;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Cli;

/// <summary><c>cnngpu run</c> in process: .npy in, .npy out; every failure one line on stderr and exit code 1.</summary>
public sealed class RunCommandTests : IDisposable
{
    /// <summary>A stack-trace line: "at Namespace.Type.Method(".</summary>
    private const string StackFrame = @"\bat [\w.`<>|]+\(";

    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Runs_a_zoo_network_by_name()
    {
        var input = RandomData.Uniform(3, 0f, 1f, 2, 3, 32, 32);
        string inPath = Save("in.npy", input), outPath = _scratch.File("out.npy");

        var (code, stdout, stderr) = Invoke("run", "--model", "tinynet", "--input", inPath, "--output", outPath, "--backend", "reference");

        Assert.True(code == 0, stderr);
        Assert.Contains("[2, 3, 32, 32] → [2, 10]", stdout, StringComparison.Ordinal);
        using var backend = new ReferenceBackend();
        using var executor = new Executor(TinyNet.Build(), backend);
        var written = NpyFile.Read(outPath);
        Assert.Equal(new TensorShape(2, 10), written.Shape);
        // run goes through a session (batch norms folded, epilogues fused): equal to the plain graph within rounding.
        Tolerance.AssertClose(executor.Run(input).Data, written.Data, "run vs the unoptimised graph");
    }

    [Fact]
    public void Runs_an_onnx_file_and_keeps_the_model_output_shape()
    {
        byte[] model = new OnnxModelBuilder()
            .Input("x", -1, 3, 6, 6).Initializer("W", W(91, 4, 3, 3, 3))
            .Node("Conv", ["x", "W"], ["c"]).Node("Relu", "c", "y").Output("y").Bytes();
        string modelPath = _scratch.File("model.onnx");
        File.WriteAllBytes(modelPath, model);
        var input = RandomData.Symmetric(4, 3, 3, 6, 6);
        string inPath = Save("in.npy", input), outPath = _scratch.File("out.npy");

        var (code, _, stderr) = Invoke("run", "-m", modelPath, "-i", inPath, "-o", outPath, "-b", "ilgpu-cpu");

        Assert.True(code == 0, stderr);
        using var oracle = new OrtOracle(model);
        var expected = oracle.Run(input)[0];
        var actual = NpyFile.Read(outPath);
        Assert.Equal(new TensorShape(3, 4, 4, 4), actual.Shape);
        Tolerance.AssertClose(expected.Data, actual.Data, "cnngpu run");
    }

    public static TheoryData<string, string> BadModels => new()
    {
        { "unsupported op", "op LeakyRelu is not supported" },
        { "truncated", "is not a valid ONNX model" },
        { "png", "is not a valid ONNX model" },
        { "missing", "does not exist" },
        { "unknown name", "is neither an existing ONNX file nor" },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Bad_models_are_one_line_errors(string kind, string expected)
    {
        string modelPath = BadModel(kind);
        string inPath = Save("in.npy", RandomData.Symmetric(1, 1, 3, 4, 4));

        var (code, stdout, stderr) = Invoke("run", "--model", modelPath, "--input", inPath, "--output", _scratch.File("out.npy"));

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cnngpu run: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame, line);
        Assert.False(File.Exists(_scratch.File("out.npy")));
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        string inPath = Save("in.npy", RandomData.Symmetric(1, 1, 3, 4, 4));
        var (code, _, stderr) = Invoke("run", "--model", BadModel("unsupported op"), "--input", inPath, "--output", _scratch.File("o.npy"), "--verbose");
        Assert.Equal(1, code);
        Assert.Contains(typeof(OnnxImportException).FullName!, stderr, StringComparison.Ordinal);
        Assert.Matches(StackFrame, stderr);
    }

    [Theory]
    [InlineData("bad input", "dtype '<f8'")]
    [InlineData("wrong shape", "expects [N, 3, 32, 32]")]
    [InlineData("unknown backend", "Unknown backend 'tpu'")]
    public void Bad_inputs_and_backends_are_one_line_errors(string kind, string expected)
    {
        var input = kind == "wrong shape" ? RandomData.Symmetric(1, 1, 3, 8, 8) : RandomData.Symmetric(1, 1, 3, 32, 32);
        string inPath = Save("in.npy", input);
        if (kind == "bad input")
        {
            byte[] bytes = File.ReadAllBytes(inPath);
            bytes[23] = (byte)'8'; // the header dict starts at byte 10, so '<f4' is bytes 21-23: '<f4' → '<f8'
            File.WriteAllBytes(inPath, bytes);
        }

        var (code, _, stderr) = Invoke("run", "-m", "tinynet", "-i", inPath, "-o", _scratch.File("o.npy"), "-b", kind == "unknown backend" ? "tpu" : "reference");

        Assert.Equal(1, code);
        Assert.Contains(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_options_are_usage_errors()
    {
        var (code, _, stderr) = Invoke("run", "--model", "tinynet");
        Assert.NotEqual(0, code);
        Assert.Contains("--input", stderr, StringComparison.Ordinal);
    }

    private string BadModel(string kind)
    {
        string path = _scratch.File($"{kind.Replace(' ', '_')}.onnx");
        switch (kind)
        {
            case "unsupported op":
                File.WriteAllBytes(path, new OnnxModelBuilder().Input("x", -1, 3, 4, 4).Node("LeakyRelu", "x", "y").Output("y").Bytes());
                break;
            case "truncated":
                byte[] whole = new OnnxModelBuilder().Input("x", -1, 3, 4, 4).Initializer("W", W(92, 2, 3, 3, 3))
                    .Node("Conv", ["x", "W"], ["y"]).Output("y").Bytes();
                File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
                break;
            case "png":
                return Path.Combine(TestFiles.Samples, "coffee.png");
            case "missing":
                break;
            case "unknown name":
                return "no-such-network";
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return path;
    }

    private string Save(string name, Tensor tensor)
    {
        string path = _scratch.File(name);
        NpyFile.Write(path, tensor);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var root = new RootCommand("test") { RunCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliInvocation.Invoke(root, args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
