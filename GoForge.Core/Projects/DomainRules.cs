using GoForge.Core.Common;
using GoForge.Core.Identity;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Projects;

/// <summary>
/// The domain checks every entry point shares (applications and services, from pages, the API, the CLI and the
/// catalog): the panel's reserved hosts, and the message for a domain that is taken. The message never names the
/// project that holds it; administrators see that on the domains overview (<see cref="ListAsync"/>).
/// </summary>
public sealed class DomainRules(IOptions<PanelHostsOptions> options, IDomainHolderRepository holders)
{
    private readonly Lazy<IReadOnlySet<string>> _panelKeys = new(() => options.Value.PanelHosts
        .Select(DomainNames.Normalize)
        .OfType<string>()
        .Select(DomainNames.OwnerKey)
        .ToHashSet(StringComparer.Ordinal));

    /// <summary>The panel's hosts (each also reserved in its www form).</summary>
    public IReadOnlyList<string> PanelHosts => [.. _panelKeys.Value.Order(StringComparer.Ordinal)];

    /// <summary>Adds an error for each route on one of the panel's hosts, whatever its path.</summary>
    public void CheckReserved(IEnumerable<AppDomainRoute> routes, FieldErrors errors, string field)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var route in routes.Where(r => _panelKeys.Value.Contains(DomainNames.OwnerKey(r.Host))))
        {
            errors.Add(field, $"'{ProjectInputRules.Shorten(route.ToString())}' is the panel's own address: no application or service can route it, with any path.");
        }
    }

    /// <summary>
    /// Why a save was refused as <see cref="SaveOutcome.DomainTaken"/>: the rule applied again to what is stored now,
    /// naming the domain but never the other project.
    /// </summary>
    public async Task<Error> ExplainTakenAsync(DomainClaimant claimant, IReadOnlyList<AppDomainRoute> wanted, string field, CancellationToken ct = default)
    {
        var found = DomainOwnership.FindConflict(claimant, wanted, await holders.ListByHostsAsync(DomainOwnership.HostsToRead(wanted), ct));
        return found switch
        {
            null => Error.Validation(field, "One of these domains was taken meanwhile; try again."),
            { SameProject: true } => Error.Validation(field, $"'{ProjectInputRules.Shorten(found.Route.ToString())}' already routes to another application or service of this project."),
            _ => Error.Validation(field, $"'{ProjectInputRules.Shorten(found.Route.ToString())}' is taken: its host is in use elsewhere on this panel. An administrator can tell you more."),
        };
    }

    /// <summary>Every domain with the project and application or service that holds it, and the panel's hosts (administrators only).</summary>
    public async Task<Result<DomainsOverview>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return Error.Forbidden("Only administrators can see who holds every domain.");
        }

        var all = await holders.ListAllAsync(ct);
        var shared = all
            .GroupBy(h => DomainNames.OwnerKey(h.Holder.Host), StringComparer.Ordinal)
            .Where(g => g.Select(h => h.Holder.ProjectId).Distinct().Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        var rows = all.Select(h => new DomainHoldingView(
                h.Holder.Host, h.Holder.PathPrefix, h.Holder.Kind, h.Holder.WorkloadId, h.WorkloadName, h.Holder.ProjectId, h.ProjectName,
                shared.Contains(DomainNames.OwnerKey(h.Holder.Host)) || _panelKeys.Value.Contains(DomainNames.OwnerKey(h.Holder.Host))))
            .ToList();
        return new DomainsOverview(PanelHosts, rows);
    }
}

/// <summary>The panel's hosts and every routed domain, for administrators.</summary>
public sealed record DomainsOverview(IReadOnlyList<string> PanelHosts, IReadOnlyList<DomainHoldingView> Domains);

/// <summary>
/// One routed domain and its holder. <see cref="Conflict"/>: its host is held by more than one project, or is the
/// panel's, which only data from before ownership was enforced can show; an administrator resolves it.
/// </summary>
public sealed record DomainHoldingView(
    string Host, string? PathPrefix, DomainHolderKind Kind, Guid WorkloadId, string WorkloadName, Guid ProjectId, string ProjectName, bool Conflict);
