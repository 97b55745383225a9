namespace GoForge.Tests.Git;

/// <summary>
/// A source repository (two commits on main, one on feature branching from the first) and its bare clone, which the
/// tests clone from; plus a bare repository with many files, big enough to cancel in the middle of its transfer.
/// </summary>
public sealed class GitRepositoryFixture : IDisposable
{
    public GitRepositoryFixture()
    {
        Root = Directory.CreateTempSubdirectory("goforge-git-").FullName;
        var source = Path.Combine(Root, "source");
        Directory.CreateDirectory(source);
        GitCli.Run(source, "init", "--quiet", "--initial-branch=main");

        File.WriteAllText(Path.Combine(source, "README.md"), "first\n");
        GitCli.Run(source, "add", "README.md");
        GitCli.Run(source, "commit", "--quiet", "-m", "First commit");
        FirstSha = GitCli.Run(source, "rev-parse", "HEAD");

        File.WriteAllText(Path.Combine(source, "README.md"), "second\n");
        GitCli.Run(source, "commit", "--quiet", "-am", "Second commit\n\nWith a body.");
        MainHeadSha = GitCli.Run(source, "rev-parse", "HEAD");

        GitCli.Run(source, "checkout", "--quiet", "-b", "feature", FirstSha);
        File.WriteAllText(Path.Combine(source, "feature.txt"), "feature\n");
        GitCli.Run(source, "add", "feature.txt");
        GitCli.Run(source, "commit", "--quiet", "-m", "Feature commit");
        FeatureSha = GitCli.Run(source, "rev-parse", "HEAD");

        GitCli.Run(Root, "clone", "--quiet", "--bare", source, Path.Combine(Root, "origin.git"));
        BareRepository = Path.Combine(Root, "origin.git");

        BigRepository = CreateBigRepository();
    }

    public string Root { get; }

    public string BareRepository { get; }

    /// <summary>About 4,000 files of incompressible content (~16 MB).</summary>
    public string BigRepository { get; }

    public string FirstSha { get; }

    public string MainHeadSha { get; }

    public string FeatureSha { get; }

    /// <summary>A path under the fixture's root that does not exist yet.</summary>
    public string NewTarget() => Path.Combine(Root, "clones", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private string CreateBigRepository()
    {
        var source = Path.Combine(Root, "big-source");
        Directory.CreateDirectory(source);
        GitCli.Run(source, "init", "--quiet", "--initial-branch=main");
        var random = new Random(42);
        var buffer = new byte[4096];
        for (var i = 0; i < 4000; i++)
        {
            random.NextBytes(buffer);
            var dir = Path.Combine(source, $"d{i % 40}");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, $"f{i}.bin"), buffer);
        }

        GitCli.Run(source, "add", ".");
        GitCli.Run(source, "commit", "--quiet", "-m", "Many files");
        var bare = Path.Combine(Root, "big.git");
        GitCli.Run(Root, "clone", "--quiet", "--bare", source, bare);
        return bare;
    }
}
