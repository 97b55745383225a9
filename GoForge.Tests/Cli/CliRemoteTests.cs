using System.Collections.Concurrent;
using GoForge.Web.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoForge.Tests.Cli;

/// <summary>
/// The remote mode against a small stand-in of <c>/api/v1</c> on Kestrel: the endpoints and shapes docs/cli.md says
/// the CLI assumes, the bearer token, problem details, and the exit codes they turn into.
/// </summary>
public sealed class CliRemoteTests : IAsyncLifetime
{
    private const string GoodToken = "gf_test_0123456789";
    private static readonly Guid KnownApp = Guid.NewGuid();
    private static readonly Guid FailingApp = Guid.NewGuid();

    private readonly ConcurrentQueue<string> _authorizations = new();
    private readonly ConcurrentDictionary<Guid, (Guid App, int Reads)> _deployments = new();
    private WebApplication _server = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.Use(async (context, next) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            _authorizations.Enqueue(authorization);
            if (authorization != $"Bearer {GoodToken}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { title = "Unauthorized", detail = "The token is expired or revoked.", status = 401 });
                return;
            }

            await next(context);
        });
        _server.MapPost("/api/v1/applications/{id:guid}/deployments", (Guid id) =>
        {
            if (id != KnownApp && id != FailingApp)
            {
                return Results.Problem(statusCode: 404, title: "Not Found", detail: "No such application.");
            }

            var deployment = Guid.NewGuid();
            _deployments[deployment] = (id, 0);
            return Results.Json(new { id = deployment, applicationId = id, state = "pending" }, statusCode: 202);
        });
        _server.MapGet("/api/v1/deployments/{id:guid}", (Guid id) =>
        {
            if (!_deployments.TryGetValue(id, out var entry))
            {
                return Results.Problem(statusCode: 404, detail: "No such deployment.");
            }

            _deployments[id] = entry with { Reads = entry.Reads + 1 };
            string[] path = entry.App == FailingApp ? ["pending", "building", "failed"] : ["pending", "cloning", "building", "deploying", "running"];
            var state = path[Math.Min(entry.Reads, path.Length - 1)];
            return Results.Json(new { id, applicationId = entry.App, state, reason = state == "failed" ? "the build broke" : null, commitSha = (string?)null, updatedAt = DateTimeOffset.UtcNow });
        });
        _server.MapGet("/api/v1/projects", () => Results.Json(new
        {
            items = new[] { new { id = Guid.NewGuid(), name = "Shop", slug = "shop" }, new { id = Guid.NewGuid(), name = "Blog", slug = "blog" } },
            page = 1,
        }));
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Address => _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    [Fact]
    public async Task Remote_deploy_wait_from_the_environment_variables_follows_the_api_until_running()
    {
        var cli = Cli(new Dictionary<string, string?> { ["GOFORGE_URL"] = Address, ["GOFORGE_TOKEN"] = GoodToken });

        var run = await cli.RunAsync("deploy", KnownApp.ToString(), "--wait", "--timeout", "1m");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(["pending", "cloning", "building", "deploying", "running"], run.Out.Split('\n').Select(l => l.Trim()).Where(l => l is "pending" or "cloning" or "building" or "deploying" or "running"));
        Assert.All(_authorizations, a => Assert.Equal($"Bearer {GoodToken}", a));
        Assert.DoesNotContain(GoodToken, run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_deploy_that_fails_ends_1_with_the_reason()
    {
        var run = await Cli().RunAsync("deploy", FailingApp.ToString(), "--wait", "--server", Address, "--token", GoodToken);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("the build broke", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_ends_5_with_the_servers_problem_detail_and_an_unknown_app_ends_3()
    {
        var refused = await Cli().RunAsync("deploy", KnownApp.ToString(), "--server", Address, "--token", "gf_revoked");
        var unknown = await Cli().RunAsync("deploy", Guid.NewGuid().ToString(), "--server", Address, "--token", GoodToken);

        Assert.Equal(ExitCodes.NotAllowed, refused.ExitCode);
        Assert.Contains("The token is expired or revoked.", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("gf_revoked", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, unknown.ExitCode);
        Assert.Contains("No such application.", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_status_lists_the_projects_of_a_page_and_shows_one_deployment()
    {
        var queued = await Cli().RunAsync("deploy", KnownApp.ToString(), "--server", Address, "--token", GoodToken);
        var id = Assert.Single(_deployments.Keys);

        var projects = await Cli().RunAsync("status", "--server", Address, "--token", GoodToken);
        var one = await Cli().RunAsync("status", "--deployment", id.ToString(), "--server", Address, "--token", GoodToken);

        Assert.Equal(ExitCodes.Ok, queued.ExitCode);
        Assert.True(projects.ExitCode == ExitCodes.Ok, projects.ToString());
        var rows = projects.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["PROJECT", "NAME", "ID"], rows[0]);
        Assert.Equal([("shop", "Shop"), ("blog", "Blog")], rows.Skip(1).Select(r => (r[0], r[1])));
        Assert.Contains("state       pending", one.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_a_failure_with_a_message()
    {
        var run = await Cli().RunAsync("status", "--server", "http://127.0.0.1:1", "--token", GoodToken);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("the server did not answer", run.Error, StringComparison.Ordinal);
    }

    private static CliRunner Cli(IReadOnlyDictionary<string, string?>? environment = null) =>
        new("Host=unused", "/nonexistent/goforge-cli") { Environment = environment ?? new Dictionary<string, string?>() };
}
