using System.CommandLine;
using CnnGpu.Networks;
using CnnGpu.Networks.Io;
using CnnGpu.Runtime.Session;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu run --model &lt;file.onnx | zoo-name&gt; --input in.npy --output out.npy [--backend …]</c>:
/// runs a model on a NumPy float32 array (batch = its first dimension) and writes the output array.
/// Errors are one line on stderr and exit code 1; the global <c>--verbose</c> shows the whole exception.
/// </summary>
internal static class RunCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "An ONNX file, or the name of a zoo network.", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "Input array (.npy, float32, C order; first dimension = batch).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the output array (.npy, float32).", Required = true };
        var backend = new Option<string>("--backend", "-b")
        {
            Description = "auto | cpu[:512|:256|:128] | reference | ilgpu-cpu | cuda[:i] | opencl[:i] (auto = CUDA > OpenCL > cpu).",
            DefaultValueFactory = _ => "auto",
        };
        var command = new Command("run", "Run a model (ONNX file or zoo network) on a .npy array and write the output as .npy.")
        {
            model, input, output, backend,
        };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            try
            {
                var graph = Models.Load(parse.GetRequiredValue(model));
                var x = NpyFile.Read(parse.GetRequiredValue(input));
                int batch = x.Shape.Rank > 0 ? x.Shape[0] : 1;

                // The same path as bench and the README: graph passes, plan-time kernel binding, warm-up.
                using var session = new InferenceSession(graph, new SessionOptions { Backend = parse.GetValue(backend) ?? "auto", MaxBatch = Math.Max(1, batch) });
                var y = session.Run(x);
                string destination = parse.GetRequiredValue(output);
                NpyFile.Write(destination, y);
                config.Output.WriteLine($"{graph.Name}: {x.Shape} → {y.Shape} on {session.BackendName} ({session.DeviceName}); wrote {destination}");
                return 0;
            }
#pragma warning disable CA1031 // The CLI boundary: every failure becomes one line (or a trace with --verbose), never a crash.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return CliErrors.Fail(config.Error, "run", e, CliInvocation.IsVerbose(parse));
            }
        });
        return Examples.Add(command, "cnngpu run --model tinynet --input in.npy --output out.npy");
    }
}
