using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CnnGpu.Networks;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;

// Soak run (not CI): many threads on one session, then many session lifetimes, with memory figures.
//   dotnet run -c Release --project perf/CnnGpu.Soak -- [--threads 8] [--runs 1000] [--cycles 1000] [--model resnet18] [--input 224] [--backend cpu]
// Writes perf/results/<date>-soak.json and prints the README's "Reliability" figures.
var options = SoakOptions.Parse(args);
Console.WriteLine($"soak: {options.Model} at {options.Input} on {options.Backend}: {options.Threads} threads × {options.Runs} runs, then {options.Cycles} create/dispose cycles");
var graph = Models.Load(options.Model, new NetworkOptions(options.Input));
int item = graph.Inputs[0].ItemShape.ElementCount;
var inputs = Enumerable.Range(0, options.Threads).Select(i => Uniform(1000 + i, item, graph.Inputs[0].ItemShape)).ToArray();

// Part 1: threads on one session.
var clock = Stopwatch.StartNew();
float[][] expected;
long rssAfterWarmup, managedAfterWarmup, rssAfterRuns, managedAfterRuns;
int mismatches = 0;
using (var session = new InferenceSession(graph, new SessionOptions { Backend = options.Backend, MaxBatch = 1 }))
{
    expected = [.. inputs.Select(x => session.Run(x).Data)];

    // Warm-up in the pattern measured (every thread running), so that what the runtime, the GC and the native
    // allocator set up for concurrent callers (allocation contexts, heaps per thread) is in the baseline.
    int warmRuns = Math.Max(1, options.Runs / 20);
    RunThreads(session, warmRuns);
    (rssAfterWarmup, managedAfterWarmup) = Memory();
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    RunThreads(session, options.Runs);
    Console.WriteLine(Invariant($"managed allocation per run: {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)(options.Threads * options.Runs):F0} bytes; GC count gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"));
    (rssAfterRuns, managedAfterRuns) = Memory();
}

void RunThreads(InferenceSession session, int runs)
{
    var threads = Enumerable.Range(0, options.Threads).Select(t => new Thread(() =>
    {
        for (int r = 0; r < runs; r++)
        {
            int which = (t + r) % inputs.Length;
            if (!session.Run(inputs[which]).Data.AsSpan().SequenceEqual(expected[which]))
            {
                Interlocked.Increment(ref mismatches);
            }
        }
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
}

double runSeconds = clock.Elapsed.TotalSeconds;
double runGrowth = 100.0 * (rssAfterRuns - rssAfterWarmup) / rssAfterWarmup;
Console.WriteLine(Invariant($"runs: {options.Threads * options.Runs} (after {options.Threads}×{Math.Max(1, options.Runs / 20)} warm-up) in {runSeconds:F0} s, {mismatches} outputs differ from the sequential runs; RSS {Mb(rssAfterWarmup)} → {Mb(rssAfterRuns)} MiB ({runGrowth:+0.0;-0.0}%), managed heap {Mb(managedAfterWarmup)} → {Mb(managedAfterRuns)} MiB (GC committed {Mb(GC.GetGCMemoryInfo().TotalCommittedBytes)} MiB)"));

// Part 2: session lifetimes (each opens its own backend: worker threads, packed weights, arenas).
clock.Restart();
long rssAtWarmCycle = 0, managedAtWarmCycle = 0, committedAtWarmCycle = 0;
var probe = inputs[0];
int warmCycle = Math.Min(100, options.Cycles / 10);
for (int cycle = 1; cycle <= options.Cycles; cycle++)
{
    using (var session = new InferenceSession(graph, new SessionOptions { Backend = options.Backend, MaxBatch = 1 }))
    {
        if (cycle % 100 == 1 && !session.Run(probe).Data.AsSpan().SequenceEqual(expected[0]))
        {
            mismatches++;
        }
    }

    if (cycle == warmCycle)
    {
        (rssAtWarmCycle, managedAtWarmCycle) = Memory();
        committedAtWarmCycle = GC.GetGCMemoryInfo().TotalCommittedBytes;
    }
}

var (rssAfterCycles, managedAfterCycles) = Memory();
double cycleSeconds = clock.Elapsed.TotalSeconds;
double cycleGrowth = 100.0 * (rssAfterCycles - rssAtWarmCycle) / rssAtWarmCycle;
Console.WriteLine(Invariant($"cycles: {options.Cycles} in {cycleSeconds:F0} s; RSS at cycle {warmCycle} {Mb(rssAtWarmCycle)} MiB → {Mb(rssAfterCycles)} MiB ({cycleGrowth:+0.0;-0.0}%), managed heap {Mb(managedAtWarmCycle)} → {Mb(managedAfterCycles)} MiB, GC committed {Mb(committedAtWarmCycle)} → {Mb(GC.GetGCMemoryInfo().TotalCommittedBytes)} MiB, native (RSS − GC committed) {Mb(rssAtWarmCycle - committedAtWarmCycle)} → {Mb(rssAfterCycles - GC.GetGCMemoryInfo().TotalCommittedBytes)} MiB; threads now {Process.GetCurrentProcess().Threads.Count}"));

var result = new
{
    date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    machine = $"{Environment.ProcessorCount} cores, {CnnGpu.Runtime.Backends.Cpu.CpuBackend.ProcessorName}",
    options.Model, options.Input, options.Backend, options.Threads, options.Runs, options.Cycles,
    mismatches,
    runs = new { seconds = runSeconds, rssAfterWarmupMiB = Mb(rssAfterWarmup), rssAfterRunsMiB = Mb(rssAfterRuns), rssGrowthPercent = runGrowth, managedAfterWarmupMiB = Mb(managedAfterWarmup), managedAfterRunsMiB = Mb(managedAfterRuns) },
    lifetimes = new { seconds = cycleSeconds, warmCycle, rssAtWarmCycleMiB = Mb(rssAtWarmCycle), rssAfterCyclesMiB = Mb(rssAfterCycles), rssGrowthPercent = cycleGrowth, managedAtWarmCycleMiB = Mb(managedAtWarmCycle), managedAfterCyclesMiB = Mb(managedAfterCycles) },
};
string folder = Path.Combine(FindRoot(), "perf", "results");
string file = Path.Combine(folder, $"{result.date}-soak.json");
File.WriteAllText(file, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"wrote {file}");
bool pass = mismatches == 0 && runGrowth < 5 && cycleGrowth < 5;
Console.WriteLine(pass ? "PASS: bit-identical, memory growth under 5%" : "FAIL");
return pass ? 0 : 1;

static (long Rss, long Managed) Memory()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var self = Process.GetCurrentProcess();
    return (self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
}

static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024), 1);

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static Tensor Uniform(int seed, int count, TensorShape itemShape)
{
    var random = new Random(seed);
    return new Tensor(new TensorShape([1, .. itemShape.Dimensions]), [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble())]);
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CnnGpu.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

/// <summary>Command-line settings of the soak run.</summary>
internal sealed record SoakOptions(int Threads, int Runs, int Cycles, string Model, int Input, string Backend)
{
    public static SoakOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new SoakOptions(Int("--threads", 8), Int("--runs", 1000), Int("--cycles", 1000), Get("--model", "resnet18"), Int("--input", 224), Get("--backend", "cpu"));
    }
}
