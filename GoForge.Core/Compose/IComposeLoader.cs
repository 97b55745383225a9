using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Core.Compose;

/// <summary>
/// Reads a compose application's file: from a clone (the file and its <c>env_file</c>s, each resolved with every link
/// followed and refused outside the repository), or again from a deployment's stored <see cref="ComposeSnapshot"/>.
/// Either way the same strict reader checks it (docs/decisions/compose.md); refusals are field errors, one per problem,
/// each naming the key and the line.
/// </summary>
public interface IComposeLoader
{
    /// <summary>Reads <paramref name="composePath"/> (relative to <paramref name="repositoryRoot"/>, the clone) and the files it names.</summary>
    /// <param name="variables">The application's variables, for <c>${VAR}</c> interpolation.</param>
    /// <param name="allowBindMounts">An administrator allowed host folders for this application; the Docker socket and the host's system folders stay refused.</param>
    Task<Result<ComposeLoad>> LoadAsync(string repositoryRoot, string composePath, IReadOnlyList<EnvironmentVariable> variables, bool allowBindMounts, CancellationToken ct = default);

    /// <summary>Reads a stored snapshot again, with the variables as they are now (a rollback, an Apply, a recovery).</summary>
    Result<ComposeProject> Read(ComposeSnapshot snapshot, IReadOnlyList<EnvironmentVariable> variables, bool allowBindMounts);
}

/// <summary>What a clone's compose file gave: the files as read (to store with the deployment) and the checked project.</summary>
public sealed record ComposeLoad(ComposeSnapshot Snapshot, ComposeProject Project);
