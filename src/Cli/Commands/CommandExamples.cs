namespace CnnGpu.Cli.Commands;

/// <summary>Command descriptions that end with real examples, so that every <c>--help</c> shows one the same way.</summary>
internal static class CommandExamples
{
    /// <summary><paramref name="summary"/>, a blank line, then <c>Example:</c> lines, one per command line.</summary>
    /// <param name="summary">What the command does (and its rules, e.g. exit codes).</param>
    /// <param name="examples">Command lines that work as written from the repository root.</param>
    public static string Describe(string summary, params string[] examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        string label = examples.Length == 1 ? "Example:" : "Examples:";
        return $"{summary}{Environment.NewLine}{Environment.NewLine}{label}{Environment.NewLine}{string.Join(Environment.NewLine, examples.Select(e => "  " + e))}";
    }
}
