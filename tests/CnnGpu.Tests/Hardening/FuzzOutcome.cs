using System.Diagnostics;
using CnnGpu.Runtime;

namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Tally of a fuzz run: every case must end in success or a <see cref="CnnGpuException"/> (the typed
/// errors) within the time limit; anything else is kept with its reproducer file.
/// </summary>
internal sealed class FuzzOutcome(string reproducerFolder, TimeSpan limit)
{
    private readonly Dictionary<string, int> _errors = [];

    public int Cases { get; private set; }

    public int Succeeded { get; private set; }

    public int Rejected { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public List<string> Failures { get; } = [];

    /// <summary>Runs one case: <paramref name="action"/> on the file at <paramref name="path"/>.</summary>
    public void Run(string path, string kind, Action action)
    {
        Cases++;
        var clock = Stopwatch.StartNew();
        try
        {
            action();
            Succeeded++;
        }
        catch (CnnGpuException e)
        {
            Rejected++;
            string type = e.GetType().Name;
            _errors[type] = _errors.GetValueOrDefault(type) + 1;
        }
#pragma warning disable CA1031 // The point of the fuzz test: anything else is recorded as a failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failures.Add(Keep(path, $"{kind}: {e.GetType().FullName}: {e.Message.Split('\n')[0]}"));
        }

        clock.Stop();
        Slowest = clock.Elapsed > Slowest ? clock.Elapsed : Slowest;
        if (clock.Elapsed > limit)
        {
            Failures.Add(Keep(path, $"{kind}: took {clock.Elapsed.TotalSeconds:F2} s"));
        }
    }

    /// <summary>One line of counts for the test output.</summary>
    public string Summary() =>
        $"{Cases} cases: {Succeeded} loaded and ran, {Rejected} rejected with typed errors " +
        $"({string.Join(", ", _errors.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"))}), " +
        $"{Failures.Count} failures; slowest case {Slowest.TotalMilliseconds:F0} ms";

    private string Keep(string path, string what)
    {
        Directory.CreateDirectory(reproducerFolder);
        string kept = Path.Combine(reproducerFolder, $"case{Cases:D5}{Path.GetExtension(path)}");
        File.Copy(path, kept, overwrite: true);
        return $"{what} (reproducer: {kept})";
    }
}
