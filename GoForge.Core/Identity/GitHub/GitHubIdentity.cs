namespace GoForge.Core.Identity.GitHub;

/// <summary>
/// Who GitHub says signed in (its <c>/user</c> and <c>/user/emails</c> answers). Only <see cref="Id"/> links an account:
/// GitHub never reuses it, while logins can be renamed and e-mail addresses re-registered by someone else.
/// </summary>
/// <param name="Id">GitHub's numeric user id.</param>
/// <param name="Login">GitHub's login, the source of a new account's GoForge login.</param>
/// <param name="Name">The profile name, when set; a new account's display name.</param>
/// <param name="VerifiedPrimaryEmail">Shown to the person only (so they see which GitHub account they used); never matched, never stored.</param>
public sealed record GitHubIdentity(long Id, string Login, string? Name, string? VerifiedPrimaryEmail)
{
    /// <summary>Longest GitHub login we take (GitHub allows 39).</summary>
    public const int LoginMaxLength = 100;

    /// <summary>"octocat" or "octocat (octo@example.com)": which GitHub account this was, for messages.</summary>
    public string Describe() => VerifiedPrimaryEmail is { Length: > 0 } email ? $"{Login} ({email})" : Login;
}
