using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Core.Volumes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Compose;

/// <summary>
/// Reads a compose application's file from a clone (then the env_files it names), through <see cref="IRepositoryFiles"/>
/// (links followed, nothing outside the clone), and checks it with <see cref="ComposeReader"/>. A stored snapshot is read
/// again the same way with no file access. Refusals are field errors keyed by the key's path, each message naming the
/// key and the line.
/// </summary>
public sealed partial class ComposeLoader(IComposeSyntax syntax, IRepositoryFiles files, IOptions<AppVolumeOptions> volumes, ILogger<ComposeLoader> logger) : IComposeLoader
{
    public async Task<Result<ComposeLoad>> LoadAsync(string repositoryRoot, string composePath, IReadOnlyList<EnvironmentVariable> variables, bool allowBindMounts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        ArgumentNullException.ThrowIfNull(variables);
        if (NormalizeComposePath(composePath) is not { } path)
        {
            return Error.Validation(nameof(Application.ComposePath), $"'{composePath}' is not a path inside the repository (relative, with '/' between folders, no '..').");
        }

        var compose = await files.ReadTextAsync(repositoryRoot, path, ComposeNode.MaxFileBytes, ct);
        if (compose.Status != RepositoryFileStatus.Read)
        {
            LogRefused(logger, path, 1);
            return Error.Validation(nameof(Application.ComposePath), compose.Status == RepositoryFileStatus.Missing
                ? $"The compose file '{path}' does not exist in the repository (branch's latest commit)."
                : $"The compose file {compose.Reason}");
        }

        // A first reading names the env_files (paths already checked to stay in the repository); then they are read.
        var texts = new Dictionary<string, string>(StringComparer.Ordinal) { [path] = compose.Text! };
        if (!syntax.TryParse(compose.Text!, out var root, out var syntaxProblem))
        {
            return Refused(path, [syntaxProblem! with { Key = path }]);
        }

        var first = ComposeReader.Read(root!, Options(path, variables, allowBindMounts, texts));
        var problems = new List<ComposeProblem>();
        foreach (var envFile in first.EnvFiles)
        {
            var read = await files.ReadTextAsync(repositoryRoot, envFile.Path, ComposeNode.MaxFileBytes, ct);
            switch (read.Status)
            {
                case RepositoryFileStatus.Read:
                    texts[envFile.Path] = read.Text!;
                    break;
                case RepositoryFileStatus.Refused:
                    problems.Add(new ComposeProblem(envFile.Key, envFile.Line, read.Reason!));
                    break;
            }
        }

        if (problems.Count > 0)
        {
            return Refused(path, problems);
        }

        var snapshot = new ComposeSnapshot(path, texts);
        var project = Read(snapshot, root!, variables, allowBindMounts);
        return project.IsSuccess ? new ComposeLoad(snapshot, project.Value) : project.Error;
    }

    public Result<ComposeProject> Read(ComposeSnapshot snapshot, IReadOnlyList<EnvironmentVariable> variables, bool allowBindMounts)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(variables);
        if (!snapshot.Files.TryGetValue(snapshot.ComposePath, out var text))
        {
            return Error.Validation(nameof(Application.ComposePath), $"The deployment's snapshot has no compose file '{snapshot.ComposePath}'.");
        }

        if (!syntax.TryParse(text, out var root, out var problem))
        {
            return Refused(snapshot.ComposePath, [problem! with { Key = snapshot.ComposePath }]);
        }

        return Read(snapshot, root!, variables, allowBindMounts);
    }

    /// <summary>The repository path of a compose file as an application names it: relative, '/'-separated, no '.' or '..' segments; null when it is not one.</summary>
    public static string? NormalizeComposePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Any(char.IsControl) || path.Length > 255)
        {
            return null;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        return segments.Count == 0 || segments.Contains("..") ? null : string.Join('/', segments);
    }

    private Result<ComposeProject> Read(ComposeSnapshot snapshot, ComposeNode root, IReadOnlyList<EnvironmentVariable> variables, bool allowBindMounts)
    {
        var reading = ComposeReader.Read(root, Options(snapshot.ComposePath, variables, allowBindMounts, snapshot.Files));
        if (reading.Project is null)
        {
            return Refused(snapshot.ComposePath, reading.Problems);
        }

        LogRead(logger, snapshot.ComposePath, reading.Project.Services.Count, reading.Project.Volumes.Count);
        return reading.Project;
    }

    private ComposeReadOptions Options(string path, IReadOnlyList<EnvironmentVariable> variables, bool allowBindMounts, IReadOnlyDictionary<string, string> texts) =>
        new(path, variables, allowBindMounts, volumes.Value.ProtectedHostPaths, texts);

    private Error Refused(string path, IReadOnlyList<ComposeProblem> problems)
    {
        LogRefused(logger, path, problems.Count);
        return Error.Validation(problems
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.ToString()).ToArray(), StringComparer.Ordinal));
    }

    [LoggerMessage(EventId = 7300, Level = LogLevel.Information, Message = "Compose file {Path} read: {Services} services, {Volumes} named volumes")]
    private static partial void LogRead(ILogger logger, string path, int services, int volumes);

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Compose file {Path} refused: {Problems} problems")]
    private static partial void LogRefused(ILogger logger, string path, int problems);
}
