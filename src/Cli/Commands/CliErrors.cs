using CnnGpu.Cli.Rendering;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// How every command reports a failure: one line, <c>cnngpu &lt;command&gt;: message</c>, on standard error; the
/// whole exception (type, message, stack trace) instead when the user asked for <c>--verbose</c>.
/// </summary>
internal static class CliErrors
{
    /// <summary>Writes <paramref name="message"/> as one line and returns <paramref name="code"/>.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="command">The command's name, e.g. <c>summary</c>.</param>
    /// <param name="message">What went wrong (joined into one line).</param>
    /// <param name="code">The exit code to return (<see cref="ExitCodes"/>).</param>
    public static int Fail(TextWriter error, string command, string message, int code)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"cnngpu {command}: {Consoles.OneLine(message)}");
        return code;
    }

    /// <summary>Reports <paramref name="exception"/> (one line, or in full with <paramref name="verbose"/>) and returns <see cref="ExitCodes.Failure"/>.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="command">The command's name.</param>
    /// <param name="exception">What the work threw.</param>
    /// <param name="verbose">Whether <c>--verbose</c> was given.</param>
    public static int Fail(TextWriter error, string command, Exception exception, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(exception);
        if (verbose)
        {
            error.WriteLine($"cnngpu {command}: {exception}");
            return ExitCodes.Failure;
        }

        return Fail(error, command, exception.Message, ExitCodes.Failure);
    }
}
