namespace GoForge.Tests.Routing;

/// <summary>Golden files under Routing/Golden (copied beside the tests); GOFORGE_UPDATE_GOLDEN=1 rewrites them in the source tree.</summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual)
    {
        var file = $"{name}.txt";
        if (Environment.GetEnvironmentVariable("GOFORGE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceFolder(), file), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "Routing", "Golden", file);
        Assert.True(File.Exists(path), $"{file} is missing; run with GOFORGE_UPDATE_GOLDEN=1 to write it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    private static string SourceFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GoForge.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("GoForge.sln not found above the test folder."), "GoForge.Tests", "Routing", "Golden");
    }
}
