using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>
/// The settings' checks: numbers in range, and a domain pattern validated and owned like any domain — not the
/// panel's, and no host under its zone routed to another application or service (of any project). One zone belongs
/// to one application (the repository refuses a second under a unique index).
/// </summary>
public sealed class PreviewSettingsRules(DomainRules domains, IDomainHolderRepository holders)
{
    /// <summary>The parsed pattern (null when previews are off and none was given), or the field errors.</summary>
    public async Task<Result<PreviewDomainPattern?>> CheckAsync(Application app, PreviewSettingsInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        if (input.Enabled && app.Source != ApplicationSourceKind.Git)
        {
            // A pull request changes a repository's Dockerfile build; a compose set or a registry image has no such preview yet.
            errors.Add(nameof(input.Enabled), "Pull request previews are for applications built from a Git repository's Dockerfile.");
        }

        if (input.MaxConcurrent is not (>= 1 and <= PreviewLimits.MaxConcurrentCeiling))
        {
            errors.Add(nameof(input.MaxConcurrent), $"Allow between 1 and {PreviewLimits.MaxConcurrentCeiling} previews at once.");
        }

        if (input.IdleDays is not (>= 1 and <= PreviewLimits.IdleDaysCeiling))
        {
            errors.Add(nameof(input.IdleDays), $"Tear previews down after 1 to {PreviewLimits.IdleDaysCeiling} idle days.");
        }

        PreviewDomainPattern? pattern = null;
        if (input.Enabled || !string.IsNullOrWhiteSpace(input.DomainPattern))
        {
            var (parsed, error) = PreviewDomainPattern.Parse(input.DomainPattern);
            if (parsed is null)
            {
                errors.Add(nameof(input.DomainPattern), error!);
            }
            else
            {
                pattern = parsed;
                domains.CheckReserved([new AppDomainRoute(parsed.Zone, null), new AppDomainRoute(parsed.HostOf(1), null)], errors, nameof(input.DomainPattern));
                var taken = (await holders.ListAllAsync(ct)).FirstOrDefault(h => parsed.Covers(h.Holder.Host));
                if (taken is not null)
                {
                    errors.Add(nameof(input.DomainPattern), taken.Holder.ProjectId == app.ProjectId
                        ? $"'{taken.Holder.Host}' is under this zone and routes to an application or service of this project; choose a zone of its own."
                        : $"'{parsed.Zone}' is taken: a host under it is in use elsewhere on this panel. An administrator can tell you more.");
                }
            }
        }

        return errors.IsEmpty ? Result<PreviewDomainPattern?>.Ok(pattern) : errors.ToError();
    }
}
