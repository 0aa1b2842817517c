using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CnnGpu.Tests.Support;
using Xunit.Abstractions;

namespace CnnGpu.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> makes the <c>cnngpu</c> .NET tool and the three library packages; the tool installs
/// from the local folder into a temporary tool path and runs (<c>--version</c>, <c>classify</c> on a sample photo); a console app that references the library
/// packages from that folder builds and runs the README's embedding example, word for word.
/// </summary>
[Trait("Category", "Packaging")]
public sealed partial class PackagingTests(LocalPackages packages, ITestOutputHelper output) : IClassFixture<LocalPackages>
{
    /// <summary>Portable-PDB custom debug information kind of a source file embedded in the PDB.</summary>
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Theory]
    [InlineData("CnnGpu.Kernels")]
    [InlineData("CnnGpu.Runtime")]
    [InlineData("CnnGpu.Networks")]
    public void Library_packages_carry_readme_licence_docs_and_symbols_with_their_sources(string id)
    {
        using (var package = ZipFile.OpenRead(packages.PathOf(id)))
        {
            var nuspec = Nuspec(package);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal(packages.Version, metadata.Element(ns + "version")!.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.Contains(package.Entries, e => e.FullName == "README.md");
            Assert.Contains(package.Entries, e => e.FullName == "LICENSE");
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
        }

        using var symbols = ZipFile.OpenRead(packages.PathOf(id, "snupkg"));
        var pdb = symbols.GetEntry($"lib/net10.0/{id}.pdb");
        Assert.NotNull(pdb);
        using var pdbBytes = new MemoryStream();
        using (var stream = pdb.Open())
        {
            stream.CopyTo(pdbBytes);
        }

        pdbBytes.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbBytes);
        var reader = provider.GetMetadataReader();
        int documents = reader.Documents.Count;
        int embedded = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Count(info => reader.GetGuid(info.Kind) == EmbeddedSourceKind);
        output.WriteLine($"{id}: {documents} source documents, {embedded} embedded");
        Assert.True(documents > 0 && embedded == documents, $"{id}.pdb embeds {embedded} of its {documents} sources");
    }

    [Fact]
    public void The_tool_installs_from_the_local_folder_and_runs()
    {
        using (var package = ZipFile.OpenRead(packages.PathOf("CnnGpu.Cli")))
        {
            var nuspec = Nuspec(package);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            Assert.Contains(nuspec.Descendants(ns + "packageType"), t => t.Attribute("name")?.Value == "DotnetTool");
            var settings = XDocument.Load(package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
            Assert.Equal("cnngpu", settings.Descendants("Command").Single().Attribute("Name")!.Value);
        }

        var toolPath = Directory.CreateTempSubdirectory("cnngpu-tool-");
        try
        {
            var install = ExternalProcess.Run(
                ExternalProcess.Dotnet,
                ["tool", "install", "CnnGpu.Cli", "--tool-path", toolPath.FullName, "--add-source", packages.Folder, "--version", packages.Version],
                toolPath.FullName,
                TimeSpan.FromMinutes(3));
            Assert.True(install.Code == 0, $"dotnet tool install failed:\n{install.Stdout}\n{install.Stderr}");
            string cnngpu = Path.Combine(toolPath.FullName, OperatingSystem.IsWindows() ? "cnngpu.exe" : "cnngpu");

            var version = ExternalProcess.Run(cnngpu, ["--version"]);
            Assert.Equal(0, version.Code);
            string prefix = packages.Version.Split('-')[0];
            Assert.Matches($"^{Regex.Escape(prefix)}", version.Stdout.Trim());

            // A sample photo through the installed tool: decoding (SkiaSharp's native library from the package), a session, top-K.
            var classify = ExternalProcess.Run(cnngpu, ["classify", "samples/chelsea.png", "--model", "tinynet", "--top", "3", "--json"], LocalPackages.RepositoryRoot);
            Assert.True(classify.Code == 0, classify.Stderr);
            using var answer = System.Text.Json.JsonDocument.Parse(classify.Stdout);
            var predictions = answer.RootElement[0].GetProperty("predictions");
            Assert.Equal("samples/chelsea.png", answer.RootElement[0].GetProperty("image").GetString());
            Assert.Equal(3, predictions.GetArrayLength());
            output.WriteLine($"installed cnngpu {version.Stdout.Trim()}; classify: {classify.Stdout.Trim()}");
        }
        finally
        {
            toolPath.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_console_app_on_the_library_packages_runs_the_readme_embedding_example()
    {
        string example = ReadmeEmbeddingExample();
        var app = Directory.CreateTempSubdirectory("cnngpu-consumer-");
        try
        {
            // Packages from the local folder (and the machine's configured feeds for ILGPU, SkiaSharp, …);
            // CnnGpu's own packages extract into a private folder, the others come from the shared cache.
            string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(app.FullName, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="cnngpu-local" value="{packages.Folder}" />
                  </packageSources>
                  <fallbackPackageFolders>
                    <add key="shared-cache" value="{globalPackages}" />
                  </fallbackPackageFolders>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app.FullName, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <RestorePackagesPath>{Path.Combine(app.FullName, "packages")}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="CnnGpu.Networks" Version="{packages.Version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app.FullName, "Program.cs"), example);

            var build = ExternalProcess.Run(
                ExternalProcess.Dotnet, ["build", "-c", "Release", "-nologo", "-o", Path.Combine(app.FullName, "out")], app.FullName, TimeSpan.FromMinutes(4));
            Assert.True(build.Code == 0, $"the README example does not build against the packages:\n{build.Stdout}\n{build.Stderr}");

            // The example names the sample photos relative to the repository, as a reader running it there would.
            var run = ExternalProcess.Run(
                ExternalProcess.Dotnet, [Path.Combine(app.FullName, "out", "Consumer.dll")], LocalPackages.RepositoryRoot, TimeSpan.FromMinutes(2));
            output.WriteLine(run.Stdout);
            Assert.True(run.Code == 0, $"the README example failed:\n{run.Stdout}\n{run.Stderr}");
            Assert.False(string.IsNullOrWhiteSpace(run.Stdout), "the README example printed nothing");
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }

    /// <summary>The C# block under the README's "## Embedding" heading.</summary>
    private static string ReadmeEmbeddingExample()
    {
        string readme = File.ReadAllText(Path.Combine(LocalPackages.RepositoryRoot, "README.md"));
        int section = readme.IndexOf("\n## Embedding", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Embedding' section");
        var block = CSharpBlock().Match(readme, section);
        Assert.True(block.Success, "README.md's Embedding section has no ```csharp block");
        return block.Groups["code"].Value;
    }

    private static XDocument Nuspec(ZipArchive package) =>
        XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
