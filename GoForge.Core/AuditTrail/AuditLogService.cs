using System.Runtime.CompilerServices;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.AuditTrail;

/// <summary>One page of the audit log, newest first, and the id to read on from (null on the last page).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? NextBeforeId);

/// <summary>A project the actor may filter the audit log by.</summary>
public sealed record AuditProject(Guid Id, string Name);

/// <summary>
/// Reading the audit log (docs/decisions/audit-log.md). Administrators read everything; a project's maintainers read
/// that project's events only (never installation-wide ones), and their unfiltered view is the union of the projects
/// they maintain. Anyone who maintains no project gets "not found"; a project filter is answered like every project
/// read (<see cref="ProjectAccess"/>): not found to outsiders, forbidden to viewers and deployers.
/// </summary>
public sealed class AuditLogService(IAuditLogReader reader, IProjectRepository projects, IUserRepository users, ProjectAccess access)
{
    public const int MaxPage = 200;

    /// <summary>The most rows one CSV export holds, newest first; narrow the filter (time range) for older ones.</summary>
    public const int ExportRowCap = 50_000;

    /// <summary>Rows read per query while an export streams.</summary>
    public const int ExportPageSize = 500;

    /// <summary>Up to <paramref name="limit"/> matching events older than <paramref name="beforeId"/> (the newest when null).</summary>
    public async Task<Result<AuditPage>> ListAsync(Actor actor, AuditLogFilter filter, long? beforeId, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (limit is < 1 or > MaxPage)
        {
            return Error.Validation("limit", $"Ask for 1 to {MaxPage} events.");
        }

        if (beforeId is < 1)
        {
            return Error.Validation("cursor", "This is not a position in the audit log.");
        }

        var query = await QueryForAsync(actor, filter, ct);
        if (!query.IsSuccess)
        {
            return query.Error;
        }

        // One more than asked says whether another page follows, without a count.
        var entries = await reader.QueryAsync(query.Value with { BeforeId = beforeId, Limit = limit + 1 }, ct);
        return entries.Count > limit
            ? new AuditPage(entries.Take(limit).ToList(), entries[limit - 1].Event.Id)
            : new AuditPage(entries, null);
    }

    /// <summary>
    /// The same view as <see cref="ListAsync"/> for a CSV export: checked and authorised now, then read page by page
    /// (<see cref="ExportPageSize"/>) as the caller enumerates, newest first, at most <see cref="ExportRowCap"/> rows.
    /// </summary>
    public async Task<Result<IAsyncEnumerable<AuditEntry>>> ExportAsync(Actor actor, AuditLogFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var query = await QueryForAsync(actor, filter, ct);
        if (!query.IsSuccess)
        {
            return query.Error;
        }

        return Result<IAsyncEnumerable<AuditEntry>>.Ok(Stream(query.Value, ct));
    }

    /// <summary>The projects the actor may filter by: every project for administrators, the maintained ones for others.</summary>
    public async Task<Result<IReadOnlyList<AuditProject>>> ProjectsAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var readable = await ReadableProjectsAsync(actor, ct);
        if (readable.Count == 0 && !actor.IsAdmin)
        {
            return NotFound;
        }

        return Result<IReadOnlyList<AuditProject>>.Ok(readable);
    }

    private static Error NotFound => Error.NotFound("No such audit log.");

    private async IAsyncEnumerable<AuditEntry> Stream(AuditQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        long? before = null;
        var written = 0;
        while (written < ExportRowCap)
        {
            var page = await reader.QueryAsync(query with { BeforeId = before, Limit = Math.Min(ExportPageSize, ExportRowCap - written) }, ct);
            foreach (var entry in page)
            {
                yield return entry;
            }

            written += page.Count;
            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            before = page[^1].Event.Id;
        }
    }

    /// <summary>The checked, authorised query (an unknown login makes one that matches nothing).</summary>
    private async Task<Result<AuditQuery>> QueryForAsync(Actor actor, AuditLogFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var checkedFilter = AuditLogFilterRules.Check(filter);
        if (!checkedFilter.IsSuccess)
        {
            return checkedFilter.Error;
        }

        var f = checkedFilter.Value;
        IReadOnlyList<Guid>? scope;
        if (f.ProjectId is { } projectId)
        {
            // Administrators may read a deleted project's events by its id; everyone else needs maintainer rights now.
            if (!(actor.IsAdmin && actor.MayReach(projectId)))
            {
                var allowed = await access.CheckAsync(actor, projectId, ProjectAction.Manage, ct: ct);
                if (!allowed.IsSuccess)
                {
                    return allowed.Error;
                }
            }

            scope = [projectId];
        }
        else if (actor.IsAdmin && actor.ProjectRestriction is null)
        {
            scope = null;
        }
        else
        {
            var readable = await ReadableProjectsAsync(actor, ct);
            if (readable.Count == 0)
            {
                return NotFound;
            }

            scope = readable.Select(p => p.Id).ToList();
        }

        Guid? actorUserId = null;
        if (f.Login is { } login)
        {
            if (await users.GetByLoginAsync(login, ct) is { } user)
            {
                actorUserId = user.Id;
            }
            else
            {
                scope = [];
            }
        }

        return Result<AuditQuery>.Ok(new AuditQuery
        {
            Limit = MaxPage,
            ProjectIds = scope,
            ActorUserId = actorUserId,
            Action = f.Action,
            ActionPrefix = f.ActionPrefix,
            From = f.From,
            To = f.To,
        });
    }

    private async Task<IReadOnlyList<AuditProject>> ReadableProjectsAsync(Actor actor, CancellationToken ct)
    {
        var listed = await projects.ListAsync(actor.IsAdmin ? null : actor.UserId, ct);
        return listed
            .Where(p => p.Role == ProjectRole.Maintainer && actor.MayReach(p.Project.Id))
            .Select(p => new AuditProject(p.Project.Id, p.Project.Name))
            .ToList();
    }
}
