using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Routing;

/// <summary>An application's routing settings: read them (View), change them (Manage).</summary>
public sealed class RoutingService(
    ApplicationService applications,
    IRoutingSettingsRepository repository,
    IBasicAuthHasher hasher,
    IProxyRoutes proxy,
    IEnvironmentRepository environments,
    IProjectRepository projects,
    IOptions<ProxyNetworkOptions> options,
    IAuditLog audit,
    TimeProvider time)
{
    private const string Field = nameof(RoutingInput.BasicAuthUsers);

    /// <summary>What the proxy configuration preview shows instead of a basic-auth password hash.</summary>
    public const string HiddenHash = "(bcrypt hash)";

    /// <summary>The settings as a form shows them: user names without their password hashes.</summary>
    public async Task<Result<RoutingInput>> GetAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        return found.IsSuccess ? RoutingInput.From(await LoadAsync(applicationId, ct)) : found.Error;
    }

    /// <summary>Validates and saves the settings. New passwords are hashed here; an empty password keeps a user's stored hash.</summary>
    public async Task<Result<RoutingInput>> UpdateAsync(Actor actor, Guid applicationId, RoutingInput input, CancellationToken ct = default)
    {
        var found = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var before = await LoadAsync(applicationId, ct);
        var built = Build(input, before);
        if (!built.IsSuccess)
        {
            return built.Error;
        }

        if (!await repository.SaveAsync(built.Value, ct))
        {
            return ProjectAccess.NotFound("application");
        }

        await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.RoutingUpdated, $"application:{found.Value.Slug}",
            $"before: {Describe(before)}; after: {Describe(built.Value)}", ct);
        return RoutingInput.From(built.Value);
    }

    /// <summary>
    /// The proxy configuration GoForge would write for the application's next container (Traefik: the dynamic
    /// configuration document; Caddy: the route), for people to read (View). Built exactly as a deployment builds it,
    /// on the same network, with the next container shown as <see cref="PreviewContainer"/> and basic-auth password
    /// hashes replaced by <see cref="HiddenHash"/>; a refused route target answers with its field errors. Empty when
    /// the application has no domain (no route).
    /// </summary>
    public async Task<Result<string>> PreviewProxyConfigurationAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var app = found.Value;
        var environment = await environments.GetAsync(app.EnvironmentId, ct);
        var project = await projects.GetAsync(app.ProjectId, ct);
        if (environment is null || project is null)
        {
            return ProjectAccess.NotFound("application");
        }

        var target = await TargetAsync(app, options.Value.Network ?? NetworkOf(environment), ct);
        if (!target.IsSuccess)
        {
            return target.Error;
        }

        // Viewers read this too, and GetAsync shows no one a password hash: the preview does not either.
        var text = proxy.Preview(target.Value, new RouteUpstream(PreviewContainer(app.Slug), null, app.ContainerPort));
        return target.Value.Settings.BasicAuthUsers.Aggregate(text, (shown, user) => shown.Replace(user.PasswordHash, HiddenHash, StringComparison.Ordinal));
    }

    /// <summary>The container name a preview shows: the real one is known only when a deployment creates it.</summary>
    public static string PreviewContainer(string slug) => $"{slug}-next-container";

    /// <summary>
    /// The name of the Docker network of an environment's containers (the proxy reaches them there unless a proxy network
    /// is set): from the environment's id, never its slugs (<see cref="Containers.EngineNames"/>).
    /// </summary>
    internal static string NetworkOf(ProjectEnvironment environment) => Containers.EngineNames.EnvironmentNetwork(environment.Id);

    /// <summary>
    /// The seam for the deployment runner (no actor: it acts for a deployment already authorised): the application's
    /// route target on <paramref name="network"/>, refused with field errors when anything stored is not routable.
    /// </summary>
    internal async Task<Result<RouteTarget>> TargetAsync(Application application, string network, CancellationToken ct = default) =>
        RouteTarget.Create(application, await LoadAsync(application.Id, ct), network);

    private async Task<RoutingSettings> LoadAsync(Guid applicationId, CancellationToken ct) =>
        await repository.GetAsync(applicationId, ct) ?? RoutingSettings.Defaults(applicationId);

    private Result<RoutingSettings> Build(RoutingInput input, RoutingSettings current)
    {
        var errors = new FieldErrors();
        if (!Enum.IsDefined(input.WwwRedirect))
        {
            errors.Add(nameof(RoutingInput.WwwRedirect), "Choose how www is redirected.");
        }

        var users = input.BasicAuthUsers ?? [];
        if (users.Count > RoutingInputRules.MaxBasicAuthUsers)
        {
            errors.Add(Field, $"At most {RoutingInputRules.MaxBasicAuthUsers} basic-auth users.");
            users = [];
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            RoutingInputRules.ValidateUserName(user.UserName, errors, Field);
            if (user.UserName is not null && !names.Add(user.UserName))
            {
                errors.Add(Field, $"'{ProjectInputRules.Shorten(user.UserName)}' is listed twice.");
            }

            if (!string.IsNullOrEmpty(user.Password))
            {
                RoutingInputRules.ValidatePassword(user.Password, errors, Field);
            }
            else if (!current.BasicAuthUsers.Any(u => u.UserName == user.UserName))
            {
                errors.Add(Field, $"Enter a password for '{ProjectInputRules.Shorten(user.UserName ?? string.Empty)}'.");
            }
        }

        var allowList = RoutingInputRules.ParseAllowList(input.IpAllowList, errors);
        var rateLimit = RoutingInputRules.ValidateRateLimit(input.RateLimitAverage, input.RateLimitBurst, errors);
        var headers = RoutingInputRules.ParseResponseHeaders(input.ResponseHeaders, errors);
        if (input.SecurityHeaders)
        {
            foreach (var header in headers.Where(h => RoutingInputRules.SecurityPresetHeaders.Contains(h.Name)))
            {
                errors.Add(nameof(RoutingInput.ResponseHeaders), $"'{header.Name}' is set by the security headers preset; turn the preset off to set it yourself.");
            }
        }

        var resolver = string.IsNullOrWhiteSpace(input.CertResolver) ? null : input.CertResolver.Trim();
        RoutingInputRules.ValidateCertResolver(resolver, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        // Hashing is slow on purpose: only once everything else is valid.
        var hashed = users
            .Select(u => new BasicAuthUser(
                u.UserName!,
                string.IsNullOrEmpty(u.Password) ? current.BasicAuthUsers.First(c => c.UserName == u.UserName).PasswordHash : hasher.Hash(u.Password)))
            .ToList();
        return new RoutingSettings
        {
            ApplicationId = current.ApplicationId,
            RedirectToHttps = input.RedirectToHttps,
            WwwRedirect = input.WwwRedirect,
            BasicAuthUsers = hashed,
            IpAllowList = allowList,
            RateLimit = rateLimit,
            SecurityHeaders = input.SecurityHeaders,
            ResponseHeaders = headers,
            StripPathPrefix = input.StripPathPrefix,
            Compression = input.Compression,
            CertResolver = resolver,
            UpdatedAt = time.GetUtcNow(),
        };
    }

    // What changed, for administrators: which features are on, never a password or hash.
    private static string Describe(RoutingSettings s)
    {
        var parts = new List<string>();
        if (s.RedirectToHttps)
        {
            parts.Add("https-redirect");
        }

        if (s.WwwRedirect != WwwRedirect.None)
        {
            parts.Add($"www:{s.WwwRedirect}");
        }

        if (s.BasicAuthUsers.Count > 0)
        {
            parts.Add($"basic-auth users:{string.Join('/', s.BasicAuthUsers.Select(u => u.UserName))}");
        }

        if (s.IpAllowList.Count > 0)
        {
            parts.Add($"allow-list:{s.IpAllowList.Count}");
        }

        if (s.RateLimit is { } limit)
        {
            parts.Add($"rate-limit:{limit.AveragePerSecond}/{limit.Burst}");
        }

        if (s.SecurityHeaders)
        {
            parts.Add("security-headers");
        }

        if (s.ResponseHeaders.Count > 0)
        {
            parts.Add($"headers:{s.ResponseHeaders.Count}");
        }

        if (s.StripPathPrefix)
        {
            parts.Add("strip-prefix");
        }

        if (s.Compression)
        {
            parts.Add("compress");
        }

        if (s.CertResolver is not null)
        {
            parts.Add($"resolver:{s.CertResolver}");
        }

        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
