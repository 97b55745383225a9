namespace GoForge.Core.Projects;

/// <summary>What holds a domain: an application or a catalog service.</summary>
public enum DomainHolderKind
{
    Application,
    Service,
}

/// <summary>One host (and path prefix, null for none) routed to one application or service of a project.</summary>
public sealed record DomainHolder(string Host, string? PathPrefix, Guid ProjectId, DomainHolderKind Kind, Guid WorkloadId);

/// <summary>The application or service that wants domains.</summary>
public sealed record DomainClaimant(Guid ProjectId, DomainHolderKind Kind, Guid WorkloadId);

/// <summary>A wanted domain that cannot be had; <see cref="SameProject"/> when the holder is in the claimant's own project.</summary>
public sealed record DomainConflict(AppDomainRoute Route, bool SameProject);

/// <summary>
/// Who may route a domain (docs/routing/domains.md). The rule, decided here once and applied by the repositories
/// inside the transaction that saves the domains, under a lock per host:
/// <list type="bullet">
/// <item>a host (with its www form) held by one project, with any path, is refused to every other project, with any path;</item>
/// <item>within a project, one host and path pair routes to one application or service; different path prefixes under
/// one host may go to different applications of the same project (an API under <c>/api</c>);</item>
/// <item>a domain the claimant already holds is never refused again, so a conflict left by an older version of
/// GoForge blocks no one's unrelated change (administrators see it on the domains overview).</item>
/// </list>
/// </summary>
public static class DomainOwnership
{
    /// <summary>The owner keys to lock before deciding, sorted so two savers always lock in the same order.</summary>
    public static IReadOnlyList<string> LockKeys(IEnumerable<AppDomainRoute> routes) =>
        routes.Select(r => DomainNames.OwnerKey(r.Host)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every host form whose holders decide a claim on <paramref name="routes"/>.</summary>
    public static IReadOnlyList<string> HostsToRead(IEnumerable<AppDomainRoute> routes) =>
        LockKeys(routes).SelectMany(DomainNames.FormsOf).ToList();

    /// <summary>The first wanted domain that cannot be had, or null when all can.</summary>
    public static DomainConflict? FindConflict(DomainClaimant claimant, IReadOnlyList<AppDomainRoute> wanted, IReadOnlyList<DomainHolder> holders)
    {
        ArgumentNullException.ThrowIfNull(claimant);
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(holders);
        var mine = holders.Where(h => IsClaimant(h, claimant)).Select(h => new AppDomainRoute(h.Host, h.PathPrefix)).ToHashSet();
        var others = holders.Where(h => !IsClaimant(h, claimant)).ToList();
        foreach (var route in wanted.Where(r => !mine.Contains(r)))
        {
            var key = DomainNames.OwnerKey(route.Host);
            foreach (var holder in others.Where(h => DomainNames.OwnerKey(h.Host) == key))
            {
                if (holder.ProjectId != claimant.ProjectId)
                {
                    return new DomainConflict(route, SameProject: false);
                }

                if (holder.Host == route.Host && holder.PathPrefix == route.PathPrefix)
                {
                    return new DomainConflict(route, SameProject: true);
                }
            }
        }

        return null;
    }

    private static bool IsClaimant(DomainHolder holder, DomainClaimant claimant) =>
        holder.Kind == claimant.Kind && holder.WorkloadId == claimant.WorkloadId;
}
