using System.CommandLine;
using CnnGpu.Cli.Commands;

namespace CnnGpu.Cli;

/// <summary>Entry point of the <c>cnngpu</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand(
            "CnnGpu: convolutional-network inference on CUDA, OpenCL and CPU.\n" +
            "Exit codes (every command): 0 success; 1 the work failed (a model, file or device error, named in one line); " +
            "2 the command line is wrong (an unknown option, a value out of range, a path that does not exist).");
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ClassifyCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(SimilarCommand.Create());
        root.Subcommands.Add(HeadCommand.Create());
        return CliInvocation.Invoke(root, args);
    }
}
