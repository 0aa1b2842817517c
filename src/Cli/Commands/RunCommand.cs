using System.CommandLine;
using CnnGpu.Networks.Io;
using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu run --model &lt;file.onnx | zoo-name&gt; --input in.npy --output out.npy [--backend …]</c>:
/// runs a model on a NumPy float32 array (batch = its first dimension) and writes the output array.
/// Errors are one line on stderr and exit code 1; <c>--verbose</c> adds the stack trace.
/// </summary>
internal static class RunCommand
{
    /// <summary>The networks <c>--model</c> resolves by name when no file of that name exists.</summary>
    public static ComputeGraph? BuiltInNetwork(string name) => name == TinyNet.Name ? TinyNet.Build() : null;

    /// <summary>Creates the command.</summary>
    /// <param name="networks">Resolves a zoo name to a graph (null = not a known name); <see cref="BuiltInNetwork"/> when null.</param>
    public static Command Create(Func<string, ComputeGraph?>? networks = null)
    {
        var model = new Option<string>("--model", "-m") { Description = "An ONNX file, or the name of a zoo network.", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "Input array (.npy, float32, C order; first dimension = batch).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the output array (.npy, float32).", Required = true };
        var backend = new Option<string>("--backend", "-b")
        {
            Description = "auto | reference | ilgpu-cpu | cuda[:i] | opencl[:i]",
            DefaultValueFactory = _ => "auto",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show the full exception on errors." };
        var command = new Command("run", "Run a model (ONNX file or zoo network) on a .npy array and write the output as .npy.")
        {
            model, input, output, backend, verbose,
        };
        var resolve = networks ?? BuiltInNetwork;
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            try
            {
                var graph = LoadModel(parse.GetRequiredValue(model), resolve);
                var x = NpyFile.Read(parse.GetRequiredValue(input));
                using var device = BackendFactory.Open(parse.GetValue(backend) ?? "auto");
                using var executor = new Executor(graph, device);
                var y = executor.Run(x);
                string destination = parse.GetRequiredValue(output);
                NpyFile.Write(destination, y);
                config.Output.WriteLine($"{graph.Name}: {x.Shape} → {y.Shape} on {device.Name} ({device.DeviceName}); wrote {destination}");
                return 0;
            }
#pragma warning disable CA1031 // The CLI boundary: every failure becomes one line (or a trace with --verbose), never a crash.
            catch (Exception e)
#pragma warning restore CA1031
            {
                config.Error.WriteLine(parse.GetValue(verbose) ? e.ToString() : $"cnngpu run: {OneLine(e.Message)}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>An existing file is imported as ONNX; otherwise the name is looked up among the networks.</summary>
    private static ComputeGraph LoadModel(string model, Func<string, ComputeGraph?> networks)
    {
        if (File.Exists(model))
        {
            return OnnxImporter.Load(model);
        }

        if (networks(model) is { } graph)
        {
            return graph;
        }

        return model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || model.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? OnnxImporter.Load(model)
            : throw new Runtime.CnnGpuException($"'{model}' is neither an existing ONNX file nor a known network name.");
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
