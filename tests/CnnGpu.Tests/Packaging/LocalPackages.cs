using System.Globalization;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Packaging;

/// <summary>
/// The tool and library packages packed once per test run from the projects as this test run built them
/// (<c>dotnet pack --no-build</c>, same configuration) into a temporary folder, with a version of their
/// own so that nothing installed earlier can stand in for them.
/// </summary>
public sealed class LocalPackages : IDisposable
{
    /// <summary>The packed projects: the three libraries and the tool.</summary>
    public static readonly string[] Projects = ["src/Kernels", "src/Runtime", "src/Networks", "src/Cli"];

    /// <summary>Creates the packages (takes ~30 s).</summary>
    public LocalPackages()
    {
        Folder = Directory.CreateTempSubdirectory("cnngpu-packages-").FullName;
        Version = "0.9.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        foreach (string project in Projects)
        {
            var (code, stdout, stderr) = ExternalProcess.Run(
                ExternalProcess.Dotnet,
                ["pack", Path.Combine(RepositoryRoot, project), "-c", Configuration, "--no-build", "-o", Folder, $"-p:Version={Version}", "-nologo"],
                RepositoryRoot,
                TimeSpan.FromMinutes(4));
            Assert.True(code == 0, $"dotnet pack {project} failed ({code}):\n{stdout}\n{stderr}");
        }
    }

    /// <summary>The folder holding the <c>.nupkg</c> and <c>.snupkg</c> files.</summary>
    public string Folder { get; }

    /// <summary>The packages' version.</summary>
    public string Version { get; }

    /// <summary>The repository: the folder above the test assembly that holds <c>CnnGpu.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The configuration this test assembly was built in (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>A package file in <see cref="Folder"/>.</summary>
    /// <param name="id">Package id, e.g. <c>CnnGpu.Networks</c>.</param>
    /// <param name="extension"><c>nupkg</c> or <c>snupkg</c>.</param>
    public string PathOf(string id, string extension = "nupkg") => Path.Combine(Folder, $"{id}.{Version}.{extension}");

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CnnGpu.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CnnGpu.sln above {AppContext.BaseDirectory}.");
    }
}
