using System.CommandLine;
using CnnGpu.Cli.Commands;

namespace CnnGpu.Tests.Photo;

/// <summary>Every photo command registers help examples (printed at the end of its --help), each a command line that parses to it.</summary>
public sealed class PhotoHelpTests
{
    public static TheoryData<string> Commands => new() { "classify", "embed", "similar", "head", "head train" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_examples_are_command_lines_that_parse(string path)
    {
        var root = new RootCommand("test") { ClassifyCommand.Create(), EmbedCommand.Create(), SimilarCommand.Create(), HeadCommand.Create() };
        Command command = root;
        foreach (string name in path.Split(' '))
        {
            command = command.Subcommands.Single(c => c.Name == name);
        }

        var examples = Examples.Of(command);

        Assert.NotEmpty(examples);
        foreach (string example in examples)
        {
            string[] args = example.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            var parse = root.Parse(args);
            Assert.True(parse.Errors.Count == 0, $"{example}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            // The example runs this command, or (for a group like 'head') one of its subcommands.
            Assert.Contains(parse.CommandResult.Command, command.Subcommands.Prepend(command));
        }
    }
}
