using System.CommandLine;
using CnnGpu.Cli.Commands;

namespace CnnGpu.Cli;

/// <summary>Entry point of the <c>cnngpu</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("CnnGpu: convolutional-network inference on CUDA, OpenCL and CPU.");
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
