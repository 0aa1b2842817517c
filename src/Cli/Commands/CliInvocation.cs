using System.CommandLine;

namespace CnnGpu.Cli.Commands;

/// <summary>Parses and invokes a <c>cnngpu</c> command line.</summary>
internal static class CliInvocation
{
    /// <summary>
    /// Invokes <paramref name="root"/> on <paramref name="args"/>. A command line that does not parse
    /// (a missing argument, a value of the wrong type) exits with <see cref="ExitCodes.Usage"/> rather
    /// than System.CommandLine's 1, so that scripts can tell a wrong call from a failed one.
    /// </summary>
    /// <param name="root">The root command.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="configuration">Where output and errors go; the console when null.</param>
    public static int Invoke(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? configuration = null)
    {
        var parse = root.Parse(args);
        int code = parse.Invoke(configuration);
        return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
    }
}
