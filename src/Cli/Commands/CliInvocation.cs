using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using CnnGpu.Cli.Rendering;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// Parses and invokes a <c>cnngpu</c> command line, the one place that decides how the CLI as a whole fails:
/// a command line that does not parse is one line and exit <see cref="ExitCodes.Usage"/>; an exception a command
/// lets escape is one line and exit <see cref="ExitCodes.Failure"/>; <c>--verbose</c> (on every command) shows
/// the whole exception instead; <c>--help</c> ends with the command's examples (<see cref="Examples"/>).
/// </summary>
internal static class CliInvocation
{
    /// <summary>The global option that turns one-line errors into full exceptions.</summary>
    public const string VerboseName = "--verbose";

    /// <summary>
    /// Invokes <paramref name="root"/> on <paramref name="args"/>, after giving the root the <c>--verbose</c> option and
    /// the help that ends with examples (once: invoking the same root again changes nothing).
    /// </summary>
    /// <param name="root">The root command.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="configuration">Where output and errors go; the console when null.</param>
    public static int Invoke(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Prepare(root);
        configuration ??= new InvocationConfiguration();

        // This method reports what escapes, so that it is one line unless --verbose.
        configuration.EnableDefaultExceptionHandler = false;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            // System.CommandLine would print the whole help after the errors; one line says what is wrong and where help is.
            string command = CommandPath(parse.CommandResult);
            string errors = string.Join(" ", parse.Errors.Select(e => Consoles.OneLine(e.Message)));
            configuration.Error.WriteLine($"{command}: {errors} See '{command} --help'.");
            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(configuration);
        }
#pragma warning disable CA1031 // The CLI boundary: whatever a command lets escape is one line (or the full exception with --verbose), never a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            configuration.Error.WriteLine(IsVerbose(parse) ? $"{CommandPath(parse.CommandResult)}: {e}" : $"{CommandPath(parse.CommandResult)}: {Consoles.OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Whether <c>--verbose</c> was given (false on a root that <see cref="Invoke"/> has not prepared).</summary>
    /// <param name="parse">The parse result.</param>
    public static bool IsVerbose(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.RootCommandResult.Command.Options.OfType<Option<bool>>().FirstOrDefault(o => o.Name == VerboseName) is { } verbose
            && parse.GetValue(verbose);
    }

    /// <summary><c>cnngpu</c>, or <c>cnngpu bench</c> for a subcommand (the root's own name is the host's, e.g. a test runner's).</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new Stack<string>();
        for (var r = result; r.Parent is CommandResult parent; r = parent)
        {
            names.Push(r.Command.Name);
        }

        return string.Join(' ', names.Prepend("cnngpu"));
    }

    private static void Prepare(RootCommand root)
    {
        if (!root.Options.Any(o => o.Name == VerboseName))
        {
            root.Options.Add(new Option<bool>(VerboseName, "-v") { Description = "Show the full exception (with its stack trace) on errors.", Recursive = true });
        }

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is SynchronousCommandLineAction action and not Examples.HelpWithExamples)
            {
                help.Action = new Examples.HelpWithExamples(action);
            }
        }
    }
}
