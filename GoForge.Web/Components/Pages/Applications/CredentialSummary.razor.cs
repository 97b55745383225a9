using GoForge.Core.GitProviders;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class CredentialSummary
{
    /// <summary>The credential to describe. Required.</summary>
    [Parameter, EditorRequired]
    public GitCredentialView Credential { get; set; } = default!;

    private string KindName => Credential.Kind switch
    {
        GitCredentialKind.Token => "HTTPS access token",
        GitCredentialKind.SshKey => "SSH deploy key (ed25519)",
        _ => Credential.Kind.ToString(),
    };
}
