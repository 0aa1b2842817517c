using System.CommandLine;
using CnnGpu.Cli.Commands;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

/// <summary>Runs <c>cnngpu</c> command lines in process (through <see cref="CliInvocation"/>, as Program does) or as the real executable.</summary>
internal static class Cli
{
    /// <summary>A stack-trace line: "at Namespace.Type.Method(".</summary>
    public const string StackFrame = @"\bat [\w.`<>|]+\(";

    /// <summary>Invokes the command line in process with captured stdout and stderr.</summary>
    public static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var root = new RootCommand("test")
        {
            BenchCommand.Create(), SummaryCommand.Create(), DevicesCommand.Create(), ExportCommand.Create(),
            ClassifyCommand.Create(), EmbedCommand.Create(), SimilarCommand.Create(), HeadCommand.Create(),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliInvocation.Invoke(root, args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built <c>cnngpu</c> executable.</summary>
    public static (int Code, string Stdout, string Stderr) Process(params string[] args) =>
        ExternalProcess.Run(ExternalProcess.Dotnet, [Path.Combine(AppContext.BaseDirectory, "cnngpu.dll"), .. args]);

    /// <summary>The non-empty lines of <paramref name="text"/>.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
