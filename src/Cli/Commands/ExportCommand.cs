using System.CommandLine;
using System.Globalization;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks;
using CnnGpu.Networks.Onnx.Export;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using DataType = CnnGpu.Networks.Onnx.Protos.TensorProto.Types.DataType;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu export &lt;model&gt; &lt;out.onnx&gt; [--input N] [--stride-on-1x1]</c>: writes a zoo network
/// (or a re-exported ONNX file) with its weights as a standard ONNX model. Prints one line on success;
/// errors are one line on stderr: exit 2 for a wrong command line (unknown network, bad option value,
/// missing output folder), 1 when the work fails (an import or export error, an unwritable folder).
/// </summary>
internal static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = $"A zoo network (see 'cnngpu summary --list'), {TinyNet.Name}, or an ONNX file." };
        var output = new Argument<string>("out.onnx") { Description = "The ONNX file to write (replaced if it exists)." };
        var input = new Option<int?>("--input") { Description = "Square input side of a zoo network (default: 227 for the AlexNets, 299 for the Inception-ResNets, 224 otherwise)." };
        var strideOn1x1 = new Option<bool>("--stride-on-1x1") { Description = "ResNet v1 (paper): stride on the bottleneck's first 1x1 instead of the 3x3." };
        var command = new Command("export", "Write a network and its weights as an ONNX model (opset 13) that ONNX Runtime and other engines load.")
        {
            model, output, input, strideOn1x1,
        };
        command.SetAction(parse => Run(
            parse.GetRequiredValue(model),
            parse.GetRequiredValue(output),
            parse.GetValue(input),
            parse.GetValue(strideOn1x1),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            CliInvocation.IsVerbose(parse)));
        return Examples.Add(command, "cnngpu export resnet50 resnet50.onnx", "cnngpu export resnet50 resnet50-v1.onnx --stride-on-1x1");
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    internal static int Run(string model, string output, int? input, bool strideOnFirst1x1, TextWriter stdout, TextWriter stderr, bool verbose = false)
    {
        try
        {
            if (Misuse(model, output, input, strideOnFirst1x1) is { } usage)
            {
                return Fail(stderr, usage, ExitCodes.Usage);
            }

            if (strideOnFirst1x1 && Arguments.StrideIgnored(model) is { } ignored)
            {
                stderr.WriteLine($"cnngpu export: warning: {ignored}");
            }

            // Before building: a VGG's seeded weights take seconds to generate, and a wrong path should not cost them.
            string folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
            if (Unwritable(folder) is { } reason)
            {
                return Fail(stderr, $"cannot write to folder '{folder}': {reason}", ExitCodes.Failure);
            }

            ComputeGraph graph;
            if (IsZooBuild(model))
            {
                try
                {
                    graph = NetworkZoo.Build(model, new NetworkOptions(input, strideOnFirst1x1));
                }
                catch (CnnGpuException e)
                {
                    // Only the options can make a zoo build fail (an input too small for the architecture).
                    return Fail(stderr, e.Message, ExitCodes.Usage);
                }
            }
            else
            {
                graph = Models.Load(model);
            }

            var onnx = OnnxExporter.Export(graph);
            OnnxExporter.Save(onnx, output);
            long parameters = onnx.Graph.Initializer.Where(t => t.DataType == (int)DataType.Float).Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));
            long bytes = new FileInfo(output).Length;
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"wrote {output}: {graph.Name}, {onnx.Graph.Node.Count} nodes, {parameters:N0} parameters ({Megabytes(bytes)})"));
            return ExitCodes.Success;
        }
#pragma warning disable CA1031 // The CLI boundary: every failure becomes one line on stderr, never a crash or a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return CliErrors.Fail(stderr, "export", e, verbose);
        }
    }

    /// <summary>What is wrong with the command line itself, or null when nothing is.</summary>
    private static string? Misuse(string model, string output, int? input, bool strideOnFirst1x1)
    {
        bool zoo = IsZooBuild(model);
        if (!zoo && !File.Exists(model) && model != TinyNet.Name)
        {
            return model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || model.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
                ? $"ONNX model '{model}' does not exist."
                : $"'{model}' is neither an existing ONNX file nor a known network name (the zoo: {string.Join(", ", NetworkZoo.Names)}, {TinyNet.Name}).";
        }

        if (!zoo && (input is not null || strideOnFirst1x1))
        {
            return $"--input and --stride-on-1x1 build zoo networks; '{model}' is not one (its input size is fixed).";
        }

        if (input is < 1)
        {
            return $"--input must be a positive image side, got {input}.";
        }

        if (string.IsNullOrWhiteSpace(output))
        {
            return "the output path is empty.";
        }

        string full = Path.GetFullPath(output);
        if (Directory.Exists(full))
        {
            return $"'{output}' is a folder; give the path of the .onnx file to write.";
        }

        string? folder = Path.GetDirectoryName(full);
        return folder is null || !Directory.Exists(folder)
            ? $"the output folder '{folder}' does not exist."
            : null;
    }

    /// <summary>Whether <paramref name="model"/> names a zoo network to build; an existing file of that name wins, as in <see cref="Models.Load"/>.</summary>
    private static bool IsZooBuild(string model) => NetworkZoo.Contains(model) && !File.Exists(model);

    /// <summary>Why nothing can be created in <paramref name="folder"/>, or null when a file can.</summary>
    private static string? Unwritable(string folder)
    {
        // Permission bits do not tell the whole story (ACLs, read-only mounts), so try it.
        string probe = Path.Combine(folder, $".cnngpu-export-{Guid.NewGuid():N}.probe");
        try
        {
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Megabytes with two decimals below 1 MB, so that a small model does not read "0.0 MB".</summary>
    private static string Megabytes(long bytes) =>
        bytes < 1024 * 1024 ? (bytes / (1024.0 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MB" : Units.Megabytes(bytes);

    private static int Fail(TextWriter stderr, string message, int code) => CliErrors.Fail(stderr, "export", message, code);
}
