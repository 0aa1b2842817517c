using BenchmarkDotNet.Running;

namespace CnnGpu.Perf;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project perf/CnnGpu.Perf -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
