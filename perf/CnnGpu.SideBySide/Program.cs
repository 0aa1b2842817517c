using CnnGpu.SideBySide;

// Usage: see RunnerOptions.Usage. `--rss <engine> <file> <batch>` is the child mode the runner starts itself in.
if (args.Length > 0 && args[0] == RssProbe.Flag)
{
    return RssProbe.RunChild(args[1..]);
}

RunnerOptions options;
try
{
    options = RunnerOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(RunnerOptions.Usage);
    return 2;
}

var report = new SideBySideRunner(options).Run();
Console.WriteLine(ReportWriter.Markdown(report));
if (options.OutDirectory is { } directory)
{
    var (markdown, json) = ReportWriter.Write(report, directory);
    Console.Error.WriteLine($"wrote {markdown} and {json}");
}

if (report.Failures.Count > 0)
{
    // Repeated at the very end so a failure cannot scroll away above the table.
    Console.Error.WriteLine($"{report.Failures.Count} failure(s):");
    foreach (var f in report.Failures)
    {
        Console.Error.WriteLine($"  {f.File}: {f.Engine}, {f.Stage}: {f.Message}");
    }
}

int disagreements = report.Rows.Count(r => r.Disagrees);
if (disagreements > 0)
{
    Console.Error.WriteLine($"WARNING: {disagreements} row(s) where CnnGpu's output disagrees with ONNX Runtime's beyond {SideBySideRunner.AgreementTolerance:0e+0}.");
}

return report.Failures.Count > 0 || disagreements > 0 ? 1 : 0;
