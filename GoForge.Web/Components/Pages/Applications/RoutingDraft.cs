using GoForge.Core.Common;
using GoForge.Core.Routing;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>One basic-auth user row; <see cref="Password"/> empty keeps the stored hash of a user that <see cref="IsStored"/>.</summary>
internal sealed class BasicAuthRow
{
    public Guid Key { get; } = Guid.NewGuid();

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Loaded from the saved settings, so an empty password keeps the user's hash.</summary>
    public bool IsStored { get; init; }
}

/// <summary>One custom response header row.</summary>
internal sealed class HeaderRow
{
    public Guid Key { get; } = Guid.NewGuid();

    public string? Name { get; set; }

    public string? Value { get; set; }
}

/// <summary>
/// The routing form's editable copy of a <see cref="RoutingInput"/>: users and headers as rows. Headers go back to
/// the service as <c>Name: value</c> lines, so a row must not add lines of its own: a line break in a value would
/// smuggle in a second header that the service would then accept. Such rows are refused here, before any call.
/// </summary>
internal sealed class RoutingDraft
{
    public bool RedirectToHttps { get; set; }

    public WwwRedirect WwwRedirect { get; set; }

    public List<BasicAuthRow> Users { get; } = [];

    public string? IpAllowList { get; set; }

    public int? RateLimitAverage { get; set; }

    public int? RateLimitBurst { get; set; }

    public bool SecurityHeaders { get; set; }

    public List<HeaderRow> Headers { get; } = [];

    public bool StripPathPrefix { get; set; }

    public bool Compression { get; set; }

    public string? CertResolver { get; set; }

    public static RoutingDraft From(RoutingInput input)
    {
        var draft = new RoutingDraft
        {
            RedirectToHttps = input.RedirectToHttps,
            WwwRedirect = input.WwwRedirect,
            IpAllowList = input.IpAllowList,
            RateLimitAverage = input.RateLimitAverage,
            RateLimitBurst = input.RateLimitBurst,
            SecurityHeaders = input.SecurityHeaders,
            StripPathPrefix = input.StripPathPrefix,
            Compression = input.Compression,
            CertResolver = input.CertResolver,
        };
        draft.Users.AddRange(input.BasicAuthUsers.Select(u => new BasicAuthRow { UserName = u.UserName, IsStored = true }));
        foreach (var line in (input.ResponseHeaders ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            draft.Headers.Add(colon < 0
                ? new HeaderRow { Name = line.Trim() }
                : new HeaderRow { Name = line[..colon].Trim(), Value = line[(colon + 1)..].Trim() });
        }

        return draft;
    }

    /// <summary>The input for the service; a field error when a header row would not stay one line.</summary>
    public Result<RoutingInput> ToInput()
    {
        var errors = new FieldErrors();
        var lines = new List<string>();
        foreach (var row in Headers.Where(r => !string.IsNullOrWhiteSpace(r.Name) || !string.IsNullOrWhiteSpace(r.Value)))
        {
            var name = row.Name?.Trim() ?? string.Empty;
            var value = row.Value?.Trim() ?? string.Empty;
            if (name.Contains(':', StringComparison.Ordinal) || name.Any(IsLineBreak) || value.Any(IsLineBreak))
            {
                errors.Add(nameof(RoutingInput.ResponseHeaders), $"The header '{ProjectShort(name)}' holds a line break or a ':' in its name; a header is one line.");
                continue;
            }

            lines.Add($"{name}: {value}");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        return new RoutingInput
        {
            RedirectToHttps = RedirectToHttps,
            WwwRedirect = WwwRedirect,
            BasicAuthUsers = Users
                .Where(u => !string.IsNullOrEmpty(u.UserName) || !string.IsNullOrEmpty(u.Password))
                .Select(u => new BasicAuthUserInput { UserName = u.UserName?.Trim(), Password = u.Password })
                .ToList(),
            IpAllowList = IpAllowList,
            RateLimitAverage = RateLimitAverage,
            RateLimitBurst = RateLimitBurst,
            SecurityHeaders = SecurityHeaders,
            ResponseHeaders = string.Join('\n', lines),
            StripPathPrefix = StripPathPrefix,
            Compression = Compression,
            CertResolver = CertResolver,
        };
    }

    // Unicode line and paragraph separators end lines for some readers too.
    private static bool IsLineBreak(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    private static string ProjectShort(string name)
    {
        var shown = new string([.. name.Select(c => IsLineBreak(c) ? ' ' : c)]);
        return shown.Length <= 40 ? shown : shown[..40] + "…";
    }
}
