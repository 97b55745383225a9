using GoForge.Core;
using GoForge.Infrastructure;
using GoForge.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGoForgeCore();
builder.AddGoForgeInfrastructure();
builder.AddGoForgeWeb();

var app = builder.Build();
app.MigrateGoForgeDatabase();
app.UseGoForgeWeb();
await app.RunAsync();

/// <summary>The entry point, visible to the tests' application factory.</summary>
public partial class Program;
