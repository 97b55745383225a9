using System.Security.Cryptography;
using System.Text.Json;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Operations;

/// <summary><c>GoForge:Logging:Json=true</c> in the real panel process (<c>dotnet GoForge.Web.dll</c>): its console output is JSON lines.</summary>
[Collection(PostgresCollection.Name)]
public sealed class JsonConsoleLogTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Json_switch_makes_every_console_line_one_JSON_object()
    {
        var dataPath = Directory.CreateTempSubdirectory("goforge-jsonlog-").FullName;
        try
        {
            await using (var panel = await PanelProcess.StartAsync(new Dictionary<string, string?>
            {
                ["ConnectionStrings__GoForge"] = await postgres.CreateDatabaseAsync("json_log"),
                ["GoForge__DataPath"] = dataPath,
                ["GoForge__SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["GoForge__Docker__Endpoint"] = "unix:///nonexistent/goforge-jsonlog/docker.sock",
                ["GoForge__Logging__Json"] = "true",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            }))
            {
                // Start-up logs the migrations (event 2001) before it serves: that line is in the output by now.
                var lines = panel.OutputTail().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

                Assert.NotEmpty(lines);
                var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
                Assert.All(entries, e => Assert.Equal(JsonValueKind.Object, e.ValueKind));
                var ready = Assert.Single(entries, e => e.GetProperty("EventId").GetInt32() == 2001);
                Assert.Equal("GoForge.Web", ready.GetProperty("Category").GetString());
                Assert.Equal("Information", ready.GetProperty("LogLevel").GetString());
                Assert.StartsWith("Database is up to date", ready.GetProperty("Message").GetString(), StringComparison.Ordinal);
                Assert.EndsWith("Z", ready.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
                Assert.Equal(JsonValueKind.Array, ready.GetProperty("Scopes").ValueKind);
            }
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}
