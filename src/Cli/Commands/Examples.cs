using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// Examples at the end of every command's <c>--help</c>: a command registers real command lines with <see cref="Add"/>,
/// and the help that <see cref="CliInvocation"/> installs prints them after System.CommandLine's own help as
/// <c>Example:</c> (or <c>Examples:</c>) followed by the command lines, indented.
/// </summary>
internal static class Examples
{
    private static readonly ConditionalWeakTable<Command, string[]> Registered = [];

    /// <summary>Registers <paramref name="examples"/> for <paramref name="command"/>'s help; returns the command.</summary>
    /// <typeparam name="T">The command's type.</typeparam>
    /// <param name="command">The command.</param>
    /// <param name="examples">Whole command lines, each starting with <c>cnngpu</c>, that parse and run as written.</param>
    public static T Add<T>(T command, params string[] examples)
        where T : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Length == 0 || examples.Any(e => !e.StartsWith("cnngpu ", StringComparison.Ordinal)))
        {
            throw new ArgumentException("Examples are whole command lines starting with 'cnngpu '.", nameof(examples));
        }

        Registered.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples registered for <paramref name="command"/> (empty when none).</summary>
    /// <param name="command">A command.</param>
    public static IReadOnlyList<string> Of(Command command) => Registered.TryGetValue(command, out var examples) ? examples : [];

    /// <summary>The help text's last lines: <c>Example:</c> and the indented command lines.</summary>
    /// <param name="examples">The command lines.</param>
    public static string Format(IReadOnlyList<string> examples) =>
        $"{(examples.Count == 1 ? "Example" : "Examples")}:{Environment.NewLine}{string.Join(Environment.NewLine, examples.Select(e => "  " + e))}";

    /// <summary>System.CommandLine's help, then the examples of the command it is for.</summary>
    /// <param name="help">The help action it replaces.</param>
    internal sealed class HelpWithExamples(SynchronousCommandLineAction help) : SynchronousCommandLineAction
    {
        /// <inheritdoc/>
        public override int Invoke(ParseResult parseResult)
        {
            ArgumentNullException.ThrowIfNull(parseResult);
            int code = help.Invoke(parseResult);
            var examples = Of(parseResult.CommandResult.Command);
            if (examples.Count > 0)
            {
                parseResult.InvocationConfiguration.Output.WriteLine(Format(examples));
            }

            return code;
        }
    }
}
