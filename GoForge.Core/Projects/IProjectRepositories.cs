namespace GoForge.Core.Projects;

/// <summary>Why a save did not happen, for the ones a form can explain.</summary>
public enum SaveOutcome
{
    Saved,
    NotFound,

    /// <summary>Another item in the same scope has this name's slug.</summary>
    SlugTaken,

    /// <summary>One of these domains is held by another project, or by another application or service of this one (<see cref="DomainOwnership"/>).</summary>
    DomainTaken,
}

public interface IProjectRepository
{
    /// <summary>Creates the project with its first environment and, when given, its first maintainer, in one transaction.</summary>
    Task<SaveOutcome> TryCreateAsync(Project project, ProjectEnvironment firstEnvironment, Guid? maintainerUserId, CancellationToken ct = default);

    Task<Project?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>Projects with counts; only those <paramref name="memberUserId"/> belongs to, or all when null.</summary>
    Task<IReadOnlyList<ProjectSummary>> ListAsync(Guid? memberUserId, CancellationToken ct = default);

    Task<bool> UpdateAsync(Guid id, string name, string? description, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Deletes the project and everything in it (environments, applications, variables, members).</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);

    Task<ProjectRole?> GetRoleAsync(Guid projectId, Guid userId, CancellationToken ct = default);

    Task<IReadOnlyList<ProjectMember>> ListMembersAsync(Guid projectId, CancellationToken ct = default);

    /// <summary>Adds the member or changes their role.</summary>
    Task SetMemberAsync(Guid projectId, Guid userId, ProjectRole role, CancellationToken ct = default);

    Task<bool> RemoveMemberAsync(Guid projectId, Guid userId, CancellationToken ct = default);
}

public interface IEnvironmentRepository
{
    Task<SaveOutcome> TryCreateAsync(ProjectEnvironment environment, CancellationToken ct = default);

    Task<ProjectEnvironment?> GetAsync(Guid id, CancellationToken ct = default);

    Task<IReadOnlyList<ProjectEnvironment>> ListAsync(Guid projectId, CancellationToken ct = default);

    Task<bool> RenameAsync(Guid id, string name, CancellationToken ct = default);

    /// <summary>Deletes the environment and its applications and variables.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);
}

public interface IApplicationRepository
{
    /// <summary>Inserts the application with its domains; <see cref="SaveOutcome.DomainTaken"/> when <see cref="DomainOwnership"/> refuses one, decided under a lock per host.</summary>
    Task<SaveOutcome> TryCreateAsync(Application application, CancellationToken ct = default);

    Task<Application?> GetAsync(Guid id, CancellationToken ct = default);

    Task<IReadOnlyList<Application>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default);

    /// <summary>Every application of these projects, in one query (the dashboard's read).</summary>
    Task<IReadOnlyList<Application>> ListByProjectsAsync(IReadOnlyCollection<Guid> projectIds, CancellationToken ct = default);

    /// <summary>Replaces the settings and domains (not the slug, which containers are named after); domains as in <see cref="TryCreateAsync"/>.</summary>
    Task<SaveOutcome> TryUpdateAsync(Application application, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);
}

/// <summary>Variables with plain-text values in and out; the implementation encrypts every value at rest.</summary>
public interface IEnvironmentVariableRepository
{
    Task<IReadOnlyList<EnvironmentVariable>> ListAsync(Guid applicationId, CancellationToken ct = default);

    Task<EnvironmentVariable?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>Inserts or updates the variables by key, all in one transaction.</summary>
    Task UpsertAsync(Guid applicationId, IReadOnlyList<VariableInput> variables, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);
}

/// <summary>
/// One variable as entered: key, value and flags. A null value keeps the stored value of an existing key. For a compose
/// application, <see cref="Services"/> limits the variable to those services: null keeps the stored choice (every
/// service for a new key), empty reaches every service.
/// </summary>
public sealed record VariableInput(string? Key, string? Value, bool IsSecret = false, bool IsBuildTime = false, IReadOnlyList<string>? Services = null);
