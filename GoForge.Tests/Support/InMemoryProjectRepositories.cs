using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Tests.Support;

internal sealed class InMemoryProjectRepository(InMemoryProjectStore store) : IProjectRepository
{
    public Task<SaveOutcome> TryCreateAsync(Project project, ProjectEnvironment firstEnvironment, Guid? maintainerUserId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            if (store.ProjectList.Any(p => p.Slug == project.Slug))
            {
                return Task.FromResult(SaveOutcome.SlugTaken);
            }

            store.ProjectList.Add(project);
            store.EnvironmentList.Add(firstEnvironment);
            if (maintainerUserId is { } userId)
            {
                store.MemberList.Add((project.Id, userId, ProjectRole.Maintainer));
            }

            return Task.FromResult(SaveOutcome.Saved);
        }
    }

    public Task<Project?> GetAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.ProjectList.FirstOrDefault(p => p.Id == id));
        }
    }

    public Task<IReadOnlyList<ProjectSummary>> ListAsync(Guid? memberUserId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<ProjectSummary> list = store.ProjectList
                .Select(p => (Project: p, Role: memberUserId is { } id ? RoleOf(p.Id, id) : ProjectRole.Maintainer))
                .Where(p => p.Role is not null)
                .Select(p => new ProjectSummary
                {
                    Project = p.Project,
                    EnvironmentCount = store.EnvironmentList.Count(e => e.ProjectId == p.Project.Id),
                    ApplicationCount = store.ApplicationList.Count(a => a.ProjectId == p.Project.Id),
                    Role = p.Role!.Value,
                })
                .ToList();
            return Task.FromResult(list);
        }
    }

    public Task<bool> UpdateAsync(Guid id, string name, string? description, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            var index = store.ProjectList.FindIndex(p => p.Id == id);
            if (index >= 0)
            {
                store.ProjectList[index] = store.ProjectList[index] with { Name = name, Description = description, UpdatedAt = now };
            }

            return Task.FromResult(index >= 0);
        }
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            foreach (var environment in store.EnvironmentList.Where(e => e.ProjectId == id).ToList())
            {
                store.RemoveEnvironmentCascade(environment.Id);
            }

            store.MemberList.RemoveAll(m => m.ProjectId == id);
            return Task.FromResult(store.ProjectList.RemoveAll(p => p.Id == id) > 0);
        }
    }

    public Task<ProjectRole?> GetRoleAsync(Guid projectId, Guid userId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(RoleOf(projectId, userId));
        }
    }

    public Task<IReadOnlyList<ProjectMember>> ListMembersAsync(Guid projectId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<ProjectMember> members = store.MemberList
                .Where(m => m.ProjectId == projectId)
                .Join(store.UserList, m => m.UserId, u => u.Id, (m, u) => new ProjectMember(projectId, u.Id, u.Login, u.DisplayName, m.Role))
                .ToList();
            return Task.FromResult(members);
        }
    }

    public Task SetMemberAsync(Guid projectId, Guid userId, ProjectRole role, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            store.MemberList.RemoveAll(m => m.ProjectId == projectId && m.UserId == userId);
            store.MemberList.Add((projectId, userId, role));
            return Task.CompletedTask;
        }
    }

    public Task<bool> RemoveMemberAsync(Guid projectId, Guid userId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.MemberList.RemoveAll(m => m.ProjectId == projectId && m.UserId == userId) > 0);
        }
    }

    private ProjectRole? RoleOf(Guid projectId, Guid userId) =>
        store.MemberList.Where(m => m.ProjectId == projectId && m.UserId == userId).Select(m => (ProjectRole?)m.Role).FirstOrDefault();
}

internal sealed class InMemoryEnvironmentRepository(InMemoryProjectStore store) : IEnvironmentRepository
{
    public Task<SaveOutcome> TryCreateAsync(ProjectEnvironment environment, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            if (store.EnvironmentList.Any(e => e.ProjectId == environment.ProjectId && e.Slug == environment.Slug))
            {
                return Task.FromResult(SaveOutcome.SlugTaken);
            }

            store.EnvironmentList.Add(environment);
            return Task.FromResult(SaveOutcome.Saved);
        }
    }

    public Task<ProjectEnvironment?> GetAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.EnvironmentList.FirstOrDefault(e => e.Id == id));
        }
    }

    public Task<IReadOnlyList<ProjectEnvironment>> ListAsync(Guid projectId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<ProjectEnvironment> list = store.EnvironmentList.Where(e => e.ProjectId == projectId).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<bool> RenameAsync(Guid id, string name, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            var index = store.EnvironmentList.FindIndex(e => e.Id == id);
            if (index >= 0)
            {
                store.EnvironmentList[index] = store.EnvironmentList[index] with { Name = name };
            }

            return Task.FromResult(index >= 0);
        }
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            var found = store.EnvironmentList.Any(e => e.Id == id);
            store.RemoveEnvironmentCascade(id);
            return Task.FromResult(found);
        }
    }
}

internal sealed class InMemoryApplicationRepository(InMemoryProjectStore store) : IApplicationRepository
{
    public Task<SaveOutcome> TryCreateAsync(Application application, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            var outcome = Check(application);
            if (outcome == SaveOutcome.Saved)
            {
                store.ApplicationList.Add(application);
            }

            return Task.FromResult(outcome);
        }
    }

    public Task<Application?> GetAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.ApplicationList.FirstOrDefault(a => a.Id == id));
        }
    }

    public Task<IReadOnlyList<Application>> ListByProjectsAsync(IReadOnlyCollection<Guid> projectIds, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<Application> list = store.ApplicationList.Where(a => projectIds.Contains(a.ProjectId)).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<Application>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<Application> list = store.ApplicationList.Where(a => a.EnvironmentId == environmentId).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<SaveOutcome> TryUpdateAsync(Application application, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            var index = store.ApplicationList.FindIndex(a => a.Id == application.Id);
            var outcome = index < 0 ? SaveOutcome.NotFound : Check(application);
            if (outcome == SaveOutcome.Saved)
            {
                store.ApplicationList[index] = application;
            }

            return Task.FromResult(outcome);
        }
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            store.VariableList.RemoveAll(v => v.ApplicationId == id);
            store.RoutingMap.Remove(id);
            return Task.FromResult(store.ApplicationList.RemoveAll(a => a.Id == id) > 0);
        }
    }

    private SaveOutcome Check(Application application)
    {
        var others = store.ApplicationList.Where(a => a.Id != application.Id).ToList();
        if (others.Any(a => a.EnvironmentId == application.EnvironmentId && a.Slug == application.Slug))
        {
            return SaveOutcome.SlugTaken;
        }

        var holders = InMemoryDomainHolderRepository.Holders(store.ApplicationList);
        return DomainOwnership.FindConflict(new DomainClaimant(application.ProjectId, DomainHolderKind.Application, application.Id), application.Domains, holders) is null
            ? SaveOutcome.Saved
            : SaveOutcome.DomainTaken;
    }
}

/// <summary>The applications' domains of the in-memory store (services hold none there).</summary>
internal sealed class InMemoryDomainHolderRepository(InMemoryProjectStore store) : IDomainHolderRepository
{
    public Task<IReadOnlyList<DomainHolder>> ListByHostsAsync(IReadOnlyCollection<string> hosts, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<DomainHolder> found = Holders(store.ApplicationList).Where(h => hosts.Contains(h.Host)).ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<DomainHolding>> ListAllAsync(CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<DomainHolding> all = Holders(store.ApplicationList)
                .Select(h => new DomainHolding(h, store.ProjectList.First(p => p.Id == h.ProjectId).Name, store.ApplicationList.First(a => a.Id == h.WorkloadId).Name))
                .ToList();
            return Task.FromResult(all);
        }
    }

    internal static List<DomainHolder> Holders(IEnumerable<Application> applications) =>
        applications.SelectMany(a => a.Domains.Select(d => new DomainHolder(d.Host, d.PathPrefix, a.ProjectId, DomainHolderKind.Application, a.Id))).ToList();
}

internal sealed class InMemoryVariableRepository(InMemoryProjectStore store) : IEnvironmentVariableRepository
{
    public Task<IReadOnlyList<EnvironmentVariable>> ListAsync(Guid applicationId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<EnvironmentVariable> list = store.VariableList.Where(v => v.ApplicationId == applicationId).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<EnvironmentVariable?> GetAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.VariableList.FirstOrDefault(v => v.Id == id));
        }
    }

    public Task UpsertAsync(Guid applicationId, IReadOnlyList<VariableInput> variables, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            foreach (var input in variables)
            {
                var index = store.VariableList.FindIndex(v => v.ApplicationId == applicationId && v.Key == input.Key);
                var id = index >= 0 ? store.VariableList[index].Id : Guid.CreateVersion7(now);
                var variable = new EnvironmentVariable
                {
                    Id = id,
                    ApplicationId = applicationId,
                    Key = input.Key!,
                    Value = input.Value ?? string.Empty,
                    IsSecret = input.IsSecret,
                    IsBuildTime = input.IsBuildTime,
                    UpdatedAt = now,
                    Services = input.Services is { Count: > 0 } only ? only : null,
                };
                if (index >= 0)
                {
                    store.VariableList[index] = variable;
                }
                else
                {
                    store.VariableList.Add(variable);
                }
            }

            return Task.CompletedTask;
        }
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.VariableList.RemoveAll(v => v.Id == id) > 0);
        }
    }
}

internal sealed class InMemoryAuditLog(InMemoryProjectStore store) : IAuditLog
{
    public Task RecordAsync(AuditEvent auditEvent, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            store.AuditList.Add(auditEvent);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<AuditEvent>> ListRecentAsync(int count, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<AuditEvent> list = store.AuditList.AsEnumerable().Reverse().Take(count).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<AuditEvent>> ListByTargetAsync(string target, int count, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<AuditEvent> list = store.AuditList.Where(e => e.Target == target).Reverse().Take(count).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<AuditEvent>> ListBeforeAsync(long? beforeId, int count, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<AuditEvent> list = store.AuditList.Where(e => beforeId is null || e.Id < beforeId).OrderByDescending(e => e.Id).Take(count).ToList();
            return Task.FromResult(list);
        }
    }
}

/// <summary>Only what membership needs (finding users); the rest of the identity port is not used by these pages.</summary>
internal sealed class InMemoryUserRepository(InMemoryProjectStore store) : IUserRepository
{
    public Task<User?> GetByIdAsync(Guid id, CancellationToken ct = default) => Find(u => u.Id == id);

    public Task<User?> GetByLoginAsync(string login, CancellationToken ct = default) =>
        Find(u => string.Equals(u.Login, login, StringComparison.OrdinalIgnoreCase));

    public Task<IReadOnlyList<User>> ListAsync(CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<User> list = store.UserList.ToList();
            return Task.FromResult(list);
        }
    }

    public Task<bool> AnyAsync(CancellationToken ct = default) => Task.FromResult(store.UserList.Count > 0);

    public Task<bool> TryCreateAsync(User user, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> TryCreateFirstAsync(User user, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> UpdateRoleAsync(Guid id, UserRole role, DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<int?> SetPasswordAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> SetDisabledAsync(Guid id, bool disabled, DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> SetThemeAsync(Guid id, ThemePreference theme, DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<int> CountActiveAdminsAsync(CancellationToken ct = default) => throw new NotSupportedException();

    private Task<User?> Find(Func<User, bool> match)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.UserList.FirstOrDefault(match));
        }
    }
}

internal sealed class InMemoryRoutingSettingsRepository(InMemoryProjectStore store) : IRoutingSettingsRepository
{
    public Task<RoutingSettings?> GetAsync(Guid applicationId, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            return Task.FromResult(store.RoutingMap.GetValueOrDefault(applicationId));
        }
    }

    public Task<bool> SaveAsync(RoutingSettings settings, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            if (!store.ApplicationList.Any(a => a.Id == settings.ApplicationId))
            {
                return Task.FromResult(false);
            }

            store.RoutingMap[settings.ApplicationId] = settings;
            return Task.FromResult(true);
        }
    }
}
