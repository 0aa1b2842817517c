namespace CnnGpu.Cli.Rendering;

/// <summary>Short op names for table cells (JSON keeps the full names): the long ones would widen every table's op column.</summary>
internal static class OpNames
{
    private static readonly Dictionary<string, string> Shorter = new(StringComparer.Ordinal)
    {
        ["globalavgpool"] = "gap",
        ["channelscale"] = "chscale",
        ["batchnorm"] = "bn",
    };

    /// <summary>The op's name as a table shows it.</summary>
    /// <param name="op">The op's full name (<c>ComplexityAnalyzer.OpName</c>).</param>
    public static string Short(string op) => Shorter.GetValueOrDefault(op, op);
}
