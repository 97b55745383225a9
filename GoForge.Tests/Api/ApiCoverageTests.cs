using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Endpoints.Api;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Api;

/// <summary>
/// The mapped /api/v1 endpoints, read from the app's own <see cref="EndpointDataSource"/>: each declares a scope, each
/// is in the authorization matrix, and each is in the OpenAPI document. A new endpoint fails these until it is covered.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ApiCoverageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() => _app = await GoForgeApp.StartAsync(postgres, "apicoverage", services: GoForgeApp.WithoutDeploymentWorker);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Every_mapped_api_endpoint_declares_its_scope_and_is_in_the_matrix()
    {
        var mapped = MappedApiEndpoints();
        var matrix = ApiEndpointCase.All.Select(c => (c.Method, c.Pattern, c.Scope)).ToHashSet();

        // The matrix lists some endpoints twice (a compose application's case beside a Git application's): count them once.
        Assert.True(mapped.Count >= matrix.Count, "the app maps fewer API endpoints than the matrix lists");
        Assert.Equal(
            matrix.OrderBy(m => m.Pattern, StringComparer.Ordinal).ThenBy(m => m.Method, StringComparer.Ordinal),
            mapped.Select(e => (e.Method, e.Pattern, e.Scope!.Scope)).OrderBy(m => m.Pattern, StringComparer.Ordinal).ThenBy(m => m.Method, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_OpenAPI_document_is_anonymous_valid_JSON_with_the_bearer_scheme_every_endpoint_and_its_rate_limit_headers()
    {
        var anonymous = _app.CreateClient();

        var response = await anonymous.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty(ApiOpenApi.SecuritySchemeName);
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var paths = root.GetProperty("paths");
        var missing = new List<string>();
        foreach (var endpoint in MappedApiEndpoints())
        {
            var path = ConstraintPattern().Replace(endpoint.Pattern, "{$1}");
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(endpoint.Method.ToLowerInvariant(), out var operation))
            {
                missing.Add($"{endpoint.Method} {path}");
                continue;
            }

            var security = operation.GetProperty("security")[0].GetProperty(ApiOpenApi.SecuritySchemeName);
            Assert.Equal(GoForge.Core.Identity.ApiTokens.ApiScopes.Name(endpoint.Scope!.Scope), security[0].GetString());
            foreach (var answer in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name != "401"))
            {
                if (!answer.Value.TryGetProperty("headers", out var headers) || !headers.TryGetProperty("RateLimit-Policy", out _) || !headers.TryGetProperty("RateLimit", out _)
                    || (answer.Name == "429" && !headers.TryGetProperty("Retry-After", out _)))
                {
                    missing.Add($"{endpoint.Method} {path} {answer.Name}: rate-limit headers");
                }
            }
        }

        Assert.Empty(missing);
        Assert.DoesNotContain(paths.EnumerateObject(), p => !p.Name.StartsWith("/api/v1/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_Core_service_operation_a_page_calls_is_called_by_the_API_too_or_excepted_with_a_reason()
    {
        var web = typeof(ApiEndpoints).Assembly;
        var fromPages = CoreServiceOperations(CoreCalls.From(web, "GoForge.Web.Components"));
        var fromApi = CoreServiceOperations(CoreCalls.From(web, "GoForge.Web.Endpoints.Api"));

        var missing = fromPages.Except(fromApi).Where(op => !UiOnlyOperations.ContainsKey(TypeAndMethod(op))).Order(StringComparer.Ordinal).ToList();
        var staleExceptions = UiOnlyOperations.Keys
            .Where(k => !fromPages.Select(TypeAndMethod).Contains(k) || fromApi.Select(TypeAndMethod).Contains(k))
            .Order(StringComparer.Ordinal).ToList();

        Assert.True(fromPages.Count > 20, $"the scan found only {fromPages.Count} page operations: is it still reading the right namespaces?");
        Assert.True(missing.Count == 0, "Core operations a page offers and the API does not (add an endpoint, or an exception with a reason):\n" + string.Join("\n", missing));
        Assert.True(staleExceptions.Count == 0, "exceptions no page calls any more, or the API now calls:\n" + string.Join("\n", staleExceptions));
    }

    /// <summary><c>Type.Method</c> of <c>Namespace.Type.Method</c>: exceptions survive a type moving between Core's folders.</summary>
    private static string TypeAndMethod(string operation)
    {
        var method = operation.LastIndexOf('.');
        return operation[(operation.LastIndexOf('.', method - 1) + 1)..];
    }

    /// <summary>
    /// Operations of Core's services (<c>Type.Method</c>) that pages call and the API deliberately does not, each with
    /// the reason. The list is checked both ways: an entry the API starts calling, or no page calls any more, fails too.
    /// </summary>
    private static readonly Dictionary<string, string> UiOnlyOperations = new(StringComparer.Ordinal)
    {
        // Pushed updates that keep an open page current; API clients poll the resource (or follow a log) instead.
        ["DeploymentService.WatchAsync"] = "live deployment updates for an open page; clients poll GET /deployments/{id} and its /log",
        ["ContainerStateTracker.Subscribe"] = "live container states for an open page; clients poll /stats or GET /docker",
        ["HostMonitor.Subscribe"] = "the host gauges of the dashboard page, live; not a resource of a project",
        // The pages queue a service operation and follow it to its end in one call; the API calls the ServiceCommands
        // method behind each (202 with the operation's Location, or ?wait=SECONDS for the outcome).
        ["ServiceInstanceService.CreateAsync"] = "queues ServiceCommands.CreateAsync and follows it; POST /environments/{id}/services calls that",
        ["ServiceInstanceService.StartAsync"] = "queues ServiceCommands.StartAsync and follows it; POST /services/{id}/start calls that",
        ["ServiceInstanceService.StopAsync"] = "queues ServiceCommands.StopAsync and follows it; POST /services/{id}/stop calls that",
        ["ServiceInstanceService.RestartAsync"] = "queues ServiceCommands.RestartAsync and follows it; POST /services/{id}/restart calls that",
        ["ServiceInstanceService.ChangeVersionAsync"] = "queues ServiceCommands.ChangeVersionAsync and follows it; PUT /services/{id}/version calls that",
        ["ServiceInstanceService.DeleteAsync"] = "queues ServiceCommands.DeleteAsync and follows it; DELETE /services/{id} calls that",

        // How a person signs in and looks at the panel: never a token's business.
        ["SetupService.CompleteAsync"] = "first-run setup, before any account or token exists",
        ["SetupService.IsTokenValid"] = "first-run setup's one-time token, checked by the setup page",
        ["AccountService.ChangePasswordAsync"] = "needs the current password: a leaked token must not be able to take over its owner's account",
        ["AccountService.SetThemeAsync"] = "the panel's light or dark look, meaningless to an API client",
        ["GitHubLinkService.GetAsync"] = "linking GitHub sign-in is a browser OAuth flow; a token must not change how its owner signs in",
        ["GitHubLinkService.UnlinkAsync"] = "a token must not change how its owner signs in (see GitHubLinkService.GetAsync)",
        ["SignInService.StartAsync"] = "browser sign-in with a password; the API authenticates with tokens only",
        ["SecondFactorSignIn.GetPurposeAsync"] = "the second step of a browser sign-in, before any session or token exists",
        ["SecondFactorSignIn.VerifyAsync"] = "the second step of a browser sign-in (see SecondFactorSignIn.GetPurposeAsync)",
        ["SecondFactorSignIn.BeginEnrolmentAsync"] = "the enrolment a browser sign-in must pass first (see SecondFactorSignIn.GetPurposeAsync)",
        ["SecondFactorSignIn.CompleteEnrolmentAsync"] = "the enrolment a browser sign-in must pass first (see SecondFactorSignIn.GetPurposeAsync)",
        ["RecentSecondFactor.ReverifyAsync"] = "records a code on the browser session; a token has no session and is its own credential",
        ["TwoFactorService.GetStatusAsync"] = "two-factor is how a person signs in: a token must not change it (see GitHubLinkService.GetAsync)",
        ["TwoFactorService.BeginAsync"] = "a token must not change how its owner signs in (see TwoFactorService.GetStatusAsync)",
        ["TwoFactorService.ConfirmAsync"] = "a token must not change how its owner signs in (see TwoFactorService.GetStatusAsync)",
        ["TwoFactorService.DisableAsync"] = "a token must not turn off its owner's second factor (see TwoFactorService.GetStatusAsync)",
        ["TwoFactorService.RegenerateRecoveryCodesAsync"] = "recovery codes sign a person in; a token must never see them (see TwoFactorService.GetStatusAsync)",
        ["TwoFactorAdministration.ResetAsync"] = "not in the API yet: a leaked admin token could strip every user's second factor; the Users page and `user reset-2fa` hold it (docs/decisions/two-factor.md)",
        ["TwoFactorPolicyService.GetAsync"] = "not in the API yet: the Settings page holds it (docs/decisions/two-factor.md, Not done)",
        ["TwoFactorPolicyService.SaveAsync"] = "not in the API yet: a leaked admin token could lift the requirement; the Settings page holds it (docs/decisions/two-factor.md)",

        // Page plumbing, not operations.
        ["ProjectAccess.CheckAsync"] = "a page's guard before it renders; every API endpoint's Core service checks access itself",
        ["DashboardService.GetAsync"] = "the dashboard's counts, a summary of lists the API serves (projects, deployments, services, GET /docker)",
        ["ServiceInstanceService.PreviewAsync"] = "the create dialog's preview of generated inputs; POST /environments/{id}/services validates the same way and answers 400 naming the field",

        // GitHub sign-in, read without an actor by pages that only need to know whether it is on.
        // Issue 22's backups: the API lists, triggers and restores (the issue's scope); schedules and destinations are set in the panel for now (docs/decisions/backups.md#left-out-and-why).
        ["BackupDestinationService.ChoicesAsync"] = "the schedule form's list of destination names; the API has no schedule endpoint yet",
        ["BackupDestinationService.CreateAsync"] = "backup destinations are set in Settings for now (docs/decisions/backups.md#left-out-and-why)",
        ["BackupDestinationService.DeleteAsync"] = "backup destinations are set in Settings for now (docs/decisions/backups.md#left-out-and-why)",
        ["BackupDestinationService.ListAsync"] = "backup destinations are set in Settings for now (docs/decisions/backups.md#left-out-and-why)",
        ["PanelBackupService.BackUpNowAsync"] = "the panel database's backups are Settings' for now; the CLI's backup verb serves scripts",
        ["PanelBackupService.OverviewAsync"] = "the panel database's backups are Settings' for now; the CLI's backup verb serves scripts",
        ["PanelBackupService.SaveScheduleAsync"] = "the panel database's backups are Settings' for now; the CLI's backup verb serves scripts",
        ["ServiceBackupService.CancelAsync"] = "canceling a backup is the page's for now (docs/decisions/backups.md#left-out-and-why)",
        ["ServiceBackupService.IsSupportedAsync"] = "the card's hint; POST /services/{id}/backups answers 409 naming the template when no engine handles it",
        ["ServiceBackupService.SaveScheduleAsync"] = "backup schedules are set on the service page for now (docs/decisions/backups.md#left-out-and-why)",
        ["GitHubSettingsProvider.GetAsync"] = "the settings page's actor-less read of the settings in effect; GET /settings/github answers them through GitHubSettingsAdministration",
        ["InvitationService.PreviewAsync"] = "the invitation page a person opens before signing up; not an administrator's operation",

        // The audit log page's filter bar and its navigation link; API clients list their projects with GET /projects.
        ["AuditLogService.ProjectsAsync"] = "the audit log page's project choices and whether its link shows; API clients list projects with GET /projects",

        // Notification channels: the UI first (issue 22); the API follows.
        ["NotificationChannelService.ListAsync"] = "notification channels have no API endpoints yet (docs/decisions/notifications.md, Left out); managed in the Settings card and the project settings dialog",
        ["NotificationChannelService.CreateAsync"] = "notification channels have no API endpoints yet (docs/decisions/notifications.md, Left out); managed in the Settings card and the project settings dialog",
        ["NotificationChannelService.UpdateAsync"] = "notification channels have no API endpoints yet (docs/decisions/notifications.md, Left out); managed in the Settings card and the project settings dialog",
        ["NotificationChannelService.DeleteAsync"] = "notification channels have no API endpoints yet (docs/decisions/notifications.md, Left out); managed in the Settings card and the project settings dialog",
        ["NotificationChannelService.SendTestAsync"] = "notification channels have no API endpoints yet (docs/decisions/notifications.md, Left out); managed in the Settings card and the project settings dialog",
        ["NotificationChannelService.ListDeliveriesAsync"] = "notification channels have no API endpoints yet (docs/decisions/notifications.md, Left out); managed in the Settings card and the project settings dialog",
    };

    /// <summary>Of the Core methods called, those that are instance operations of a service registered in the app.</summary>
    private HashSet<string> CoreServiceOperations(IReadOnlySet<string> calls)
    {
        var core = typeof(GoForge.Core.Common.Result).Assembly;
        var registered = _app.Services.GetRequiredService<IServiceProviderIsService>();
        var operations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var call in calls)
        {
            var split = call.LastIndexOf('.');
            var (typeName, method) = (call[..split], call[(split + 1)..]);
            if (method.StartsWith("get_", StringComparison.Ordinal) || method.StartsWith("set_", StringComparison.Ordinal) || method == ".ctor")
            {
                continue;
            }

            if (core.GetType(typeName) is { IsClass: true, IsAbstract: false } type && registered.IsService(type)
                && type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Any(m => m.Name == method))
            {
                operations.Add(call);
            }
        }

        return operations;
    }

    [Fact]
    public async Task The_reference_page_is_served_without_cookies()
    {
        var anonymous = _app.CreateClient();

        var response = await anonymous.GetAsync("/api/reference/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("v1.json", html, StringComparison.Ordinal);

        // The page's script is served by GoForge itself (these machines reach no CDN, nor may an air-gapped install).
        var script = ScriptSource().Match(html);
        Assert.True(script.Success, html);
        var asset = await anonymous.GetAsync(new Uri(new Uri(anonymous.BaseAddress!, "/api/reference/v1"), script.Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains("javascript", asset.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [GeneratedRegex("<script src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    private List<(string Method, string Pattern, RequiredScope? Scope)> MappedApiEndpoints() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiEndpointsPrefix, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'), e.Metadata.GetMetadata<RequiredScope>())))
            .ToList();

    private const string ApiEndpointsPrefix = "/api/v1/";

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex ConstraintPattern();
}
