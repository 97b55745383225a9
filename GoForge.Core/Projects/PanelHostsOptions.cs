using Microsoft.Extensions.Options;

namespace GoForge.Core.Projects;

/// <summary>
/// The panel's own host names (section <c>GoForge:Proxy</c>, key <c>PanelHosts</c>), reserved for the panel with every
/// path: no application or service may route them. The web host adds the host of <c>GoForge:PublicUrl</c> and the
/// names listed in <c>AllowedHosts</c> (docs/routing/domains.md), so the usual install needs no entry here.
/// </summary>
public sealed class PanelHostsOptions
{
    public const string SectionName = "GoForge:Proxy";

    public IList<string> PanelHosts { get; } = [];
}

internal sealed class PanelHostsOptionsValidator : IValidateOptions<PanelHostsOptions>
{
    public ValidateOptionsResult Validate(string? name, PanelHostsOptions options)
    {
        var failures = options.PanelHosts
            .Where(h => DomainNames.Normalize(h) is null)
            .Select(h => $"{PanelHostsOptions.SectionName}:{nameof(PanelHostsOptions.PanelHosts)} holds '{h}', which is not a host name (letters, digits and hyphens, with at least one dot).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
