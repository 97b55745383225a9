using GoForge.Core;
using GoForge.Infrastructure;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Web.Cli;
using GoForge.Web.Hosting;
using Microsoft.Extensions.Options;

// Verbs such as `migrate` or `user create` run and exit (docs/cli.md); anything else serves the panel.
if (GoForgeCli.IsCommand(args))
{
    return await GoForgeCli.RunAsync(args, CliConsole.FromProcess());
}

var builder = WebApplication.CreateBuilder(GoForgeCli.ServeArguments(args));
builder.AddGoForgeCore();
builder.AddGoForgeInfrastructure();
builder.AddGoForgeWeb();
builder.AddGoForgeWorkers();
builder.Services.AddCaddyPanelRoute(sp => sp.GetRequiredService<IOptions<GoForgeWebOptions>>().Value.PublicUrl);

var app = builder.Build();
app.MigrateGoForgeDatabase();
app.UseGoForgeWeb();
await app.RunAsync();
return ExitCodes.Ok;

/// <summary>The entry point, visible to the tests' application factory.</summary>
public partial class Program;
