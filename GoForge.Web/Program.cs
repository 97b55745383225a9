using GoForge.Core;
using GoForge.Infrastructure;
using GoForge.Web.Cli;
using GoForge.Web.Hosting;

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

var app = builder.Build();
app.MigrateGoForgeDatabase();
app.UseGoForgeWeb();
await app.RunAsync();
return ExitCodes.Ok;

/// <summary>The entry point, visible to the tests' application factory.</summary>
public partial class Program;
