namespace GoForge.Tests.Support;

/// <summary>
/// Golden files, kept in the source tree and copied beside the tests. <c>GOFORGE_UPDATE_GOLDEN=1</c> rewrites them in
/// the source tree instead of comparing (docs/testing.md): run it after an intended change, then read the diff.
/// </summary>
internal static class Golden
{
    public const string UpdateVariable = "GOFORGE_UPDATE_GOLDEN";

    /// <summary>Asserts that <paramref name="folder"/>/<paramref name="file"/> (relative to the test project) holds <paramref name="actual"/>.</summary>
    public static void AssertMatches(string folder, string file, string actual)
    {
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            var source = RepositoryFiles.PathOf("GoForge.Tests", folder);
            Directory.CreateDirectory(source);
            File.WriteAllText(Path.Combine(source, file), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, folder, file);
        Assert.True(File.Exists(path), $"{folder}/{file} is missing; run with {UpdateVariable}=1 to write it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    /// <summary>Every golden file of <paramref name="folder"/> as copied beside the tests, by name.</summary>
    public static IReadOnlyList<string> Files(string folder, string pattern) =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, folder), pattern).Order(StringComparer.Ordinal)];
}
