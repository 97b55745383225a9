using System.Text.RegularExpressions;

namespace GoForge.Core.Identity.GitHub;

/// <summary>Where the GitHub settings in effect come from.</summary>
public enum GitHubSettingsOrigin
{
    /// <summary><c>GoForge:GitHub</c> in configuration (or its defaults: off).</summary>
    Configuration,

    /// <summary>Saved on the Settings page (the database); wins over configuration.</summary>
    Panel,
}

/// <summary>The GitHub OAuth app GoForge signs people in with, as in effect now.</summary>
public sealed record GitHubSettings
{
    public static readonly Uri DefaultBaseUrl = new("https://github.com");
    public static readonly Uri DefaultApiUrl = new("https://api.github.com");

    public required bool Enabled { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Plain text in memory only; stored encrypted, never shown again once saved, never logged (see <see cref="ToString"/>).</summary>
    public required string ClientSecret { get; init; }

    public required Uri BaseUrl { get; init; }

    public required Uri ApiUrl { get; init; }

    public required bool AllowSignUp { get; init; }

    public GitHubSettingsOrigin Origin { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Enabled with a client id and secret: the sign-in button shows and the handler may run.</summary>
    public bool IsActive => Enabled && ClientId.Length > 0 && ClientSecret.Length > 0;

    // A record prints every property; the secret must never reach a log line or an exception message.
    public override string ToString() =>
        $"GitHubSettings {{ Enabled = {Enabled}, ClientId = {ClientId}, ClientSecret = {(ClientSecret.Length > 0 ? "(set)" : "(not set)")}, " +
        $"BaseUrl = {BaseUrl}, ApiUrl = {ApiUrl}, AllowSignUp = {AllowSignUp}, Origin = {Origin} }}";
}

/// <summary>What GitHub settings may be, checked the same way for configuration and for the Settings page.</summary>
public static partial class GitHubSettingsRules
{
    public const int ClientIdMaxLength = 100;
    public const int ClientSecretMaxLength = 200;
    public const int UrlMaxLength = 500;

    /// <summary>A problem with one setting: the setting's name and a clause that follows it ("is required when …").</summary>
    public sealed record Problem(string Field, string Label, string Clause)
    {
        /// <summary>The sentence a form shows under the field.</summary>
        public string Message => $"{Label} {Clause}.";
    }

    public static IReadOnlyList<Problem> Validate(GitHubSettings settings)
    {
        var problems = new List<Problem>();
        if (settings.ClientId.Length > 0 && !ClientIdPattern().IsMatch(settings.ClientId))
        {
            problems.Add(new("ClientId", "The client id", $"has 1 to {ClientIdMaxLength} letters, digits, '.', '_' or '-'"));
        }
        else if (settings.Enabled && settings.ClientId.Length == 0)
        {
            problems.Add(new("ClientId", "The client id", "is required when GitHub sign-in is enabled"));
        }

        if (settings.ClientSecret.Length > ClientSecretMaxLength || settings.ClientSecret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            problems.Add(new("ClientSecret", "The client secret", $"has at most {ClientSecretMaxLength} characters and no spaces"));
        }
        else if (settings.Enabled && settings.ClientSecret.Length == 0)
        {
            problems.Add(new("ClientSecret", "The client secret", "is required when GitHub sign-in is enabled"));
        }

        CheckUrl(settings.BaseUrl, "BaseUrl", "The GitHub address", problems);
        CheckUrl(settings.ApiUrl, "ApiUrl", "The API address", problems);
        return problems;
    }

    /// <summary>Parses an address typed into a form; null when it is not an absolute address (the rules then say why).</summary>
    public static Uri? ParseUrl(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var url) ? url : null;

    private static void CheckUrl(Uri? url, string field, string label, List<Problem> problems)
    {
        var fine = url is { IsAbsoluteUri: true }
            && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            && url.UserInfo.Length == 0 && url.Query.Length == 0 && url.Fragment.Length == 0
            && url.AbsoluteUri.Length <= UrlMaxLength;
        if (!fine)
        {
            problems.Add(new(field, label, "must be an absolute http(s) address without user, query or fragment, such as https://github.com"));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClientIdPattern();
}
