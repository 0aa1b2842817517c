namespace CnnGpu.Cli.Commands;

/// <summary>The process exit codes of <c>cnngpu</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Success = 0;

    /// <summary>The work failed: a model that cannot be imported or exported, a file that cannot be written.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: it does not parse, or names a network, option value or folder that does not exist.</summary>
    public const int Usage = 2;
}
