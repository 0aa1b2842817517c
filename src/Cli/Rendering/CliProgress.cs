using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>
/// Progress of work that can take over a second (loading a model, packing weights, a network of a
/// benchmark, a folder of images), always on standard error so that standard output carries only the
/// command's answer: a Spectre progress display when standard error is a terminal, plain lines when it
/// is not (a log, a pipe, an in-process test's writer), nothing at all when quiet (<c>--json</c>).
/// </summary>
internal sealed class CliProgress
{
    /// <summary>Plain-line mode reports an item count at most this often.</summary>
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(1);

    private readonly TextWriter? plain;
    private readonly IAnsiConsole? live;

    private CliProgress(TextWriter? plain, IAnsiConsole? live)
    {
        this.plain = plain;
        this.live = live;
    }

    /// <summary>Reports nothing.</summary>
    public static CliProgress Quiet { get; } = new(null, null);

    /// <summary>
    /// Progress on <paramref name="error"/>: live when it is the process's standard error and that is a
    /// terminal, plain lines otherwise; <see cref="Quiet"/> when <paramref name="quiet"/>.
    /// </summary>
    /// <param name="error">Where the command's errors go.</param>
    /// <param name="quiet">True for machine-readable output (<c>--json</c>).</param>
    public static CliProgress For(TextWriter error, bool quiet)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (quiet)
        {
            return Quiet;
        }

        if (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return new CliProgress(null, console);
        }

        return new CliProgress(error, null);
    }

    /// <summary>Runs one step of work under a spinner (terminal) or a line with its duration (plain).</summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="label">What the step does, e.g. "loading resnet18.onnx".</param>
    /// <param name="work">The work.</param>
    public T Step<T>(string label, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (live is not null)
        {
            return live.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(label), _ => work());
        }

        var clock = Stopwatch.StartNew();
        T result = work();
        plain?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {clock.Elapsed.TotalSeconds:0.00} s"));
        return result;
    }

    /// <summary>Runs <paramref name="each"/> on every item under a progress bar (terminal) or periodic count lines (plain).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="label">What is done to the items, e.g. "embedding".</param>
    /// <param name="items">The items, in order.</param>
    /// <param name="each">The work for one item.</param>
    public void Items<T>(string label, IReadOnlyList<T> items, Action<T> each)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(each);
        if (live is not null)
        {
            live.Progress().AutoClear(true).Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(1, items.Count));
                    foreach (var item in items)
                    {
                        each(item);
                        task.Increment(1);
                    }
                });
            return;
        }

        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        for (int i = 0; i < items.Count; i++)
        {
            each(items[i]);
            if (plain is not null && i + 1 < items.Count && clock.Elapsed - last >= PlainInterval)
            {
                last = clock.Elapsed;
                plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {i + 1}/{items.Count}"));
            }
        }

        plain?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {items.Count}/{items.Count} in {clock.Elapsed.TotalSeconds:0.00} s"));
    }
}
