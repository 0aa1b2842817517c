using System.Diagnostics;

namespace CnnGpu.Tests.Support;

/// <summary>Runs another program to completion with captured output (the built CLI, dotnet itself).</summary>
internal static class ExternalProcess
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="args"/> and waits at most <paramref name="timeout"/>.
    /// MSBuild's variables inherited from <c>dotnet test</c> are removed, so that a nested <c>dotnet build</c>
    /// or <c>dotnet pack</c> resolves its own SDK as a fresh shell would.
    /// </summary>
    /// <param name="fileName">The program.</param>
    /// <param name="args">Its arguments, each passed as one argument.</param>
    /// <param name="workingDirectory">Where it runs; the current directory when null.</param>
    /// <param name="timeout">How long it may take before the test fails.</param>
    /// <param name="environment">Extra environment variables.</param>
    public static (int Code, string Stdout, string Stderr) Run(
        string fileName, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {string.Join(' ', args)}' did not finish within {limit.TotalSeconds:F0} s");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The <c>dotnet</c> host running the tests (so nested commands use the same SDK).</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
