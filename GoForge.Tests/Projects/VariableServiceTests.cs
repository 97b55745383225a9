using System.Text;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Projects;

[Collection(PostgresCollection.Name)]
public sealed class VariableServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Guid _appId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "variables");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Vars", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        _appId = (await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id,
            new ApplicationInput { Name = "api", GitUrl = "https://example.com/api.git" })).Value!.Id;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private VariableService Variables => _host.Get<VariableService>();

    [Fact]
    public async Task Stored_values_are_ciphertext_only_and_read_back_as_plain_text()
    {
        const string secret = "postgres://admin:hunter2-very-secret@db:5432/app";
        await Variables.SetManyAsync(_owner, _appId, [new VariableInput("DATABASE_URL", secret, IsSecret: true), new VariableInput("MODE", "production")]);

        await using (var conn = new NpgsqlConnection(_host.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT key, value_ciphertext, value_key_id FROM environment_variables", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                var raw = (byte[])reader["value_ciphertext"];
                var asText = Encoding.UTF8.GetString(raw);
                Assert.DoesNotContain("hunter2", asText, StringComparison.Ordinal);
                Assert.DoesNotContain("production", asText, StringComparison.Ordinal);
                Assert.True(raw.Length >= 12 + 16, "nonce and tag are stored with the ciphertext");
                Assert.False(string.IsNullOrEmpty(reader.GetString(2)));
            }

            Assert.Equal(2, rows);
        }

        var listed = (await Variables.ListAsync(_owner, _appId)).Value!;
        Assert.Equal(["DATABASE_URL", "MODE"], listed.Select(v => v.Key));
        Assert.Null(listed[0].Value);
        Assert.Equal("production", listed[1].Value);
        Assert.Equal(secret, (await Variables.RevealAsync(_owner, listed[0].Id)).Value);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(10), e => e.Action == AuditActions.SecretRevealed && e.Detail == "DATABASE_URL");
        Assert.DoesNotContain(await _host.Get<IAuditLog>().ListRecentAsync(50), e => (e.Detail ?? "").Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Updating_a_key_keeps_its_row_and_the_new_value_decrypts()
    {
        await Variables.SetAsync(_owner, _appId, new VariableInput("A", "one"));
        var id = (await Variables.ListAsync(_owner, _appId)).Value![0].Id;

        await Variables.SetAsync(_owner, _appId, new VariableInput("A", "two", IsBuildTime: true));

        var after = Assert.Single((await Variables.ListAsync(_owner, _appId)).Value!);
        Assert.Equal((id, "two", true), (after.Id, after.Value, after.IsBuildTime));
    }

    [Fact]
    public async Task A_null_value_changes_only_the_flags_and_keeps_the_secret()
    {
        await Variables.SetAsync(_owner, _appId, new VariableInput("TOKEN", "keep-me", IsSecret: true));

        await Variables.SetAsync(_owner, _appId, new VariableInput("TOKEN", null, IsSecret: true, IsBuildTime: true));

        var variable = Assert.Single((await Variables.ListAsync(_owner, _appId)).Value!);
        Assert.True(variable.IsBuildTime);
        Assert.Equal("keep-me", (await Variables.RevealAsync(_owner, variable.Id)).Value);
    }

    [Fact]
    public async Task Paste_preview_shows_changes_without_secret_values_and_apply_writes_them()
    {
        await Variables.SetManyAsync(_owner, _appId, [new VariableInput("KEEP", "same"), new VariableInput("TOKEN", "old", IsSecret: true)]);
        const string paste = "KEEP=same\nTOKEN=new\nNEW_ONE=\"hello world\"";

        var preview = (await Variables.PreviewPasteAsync(_owner, _appId, paste, asSecrets: false)).Value!;

        Assert.Equal(
            [("KEEP", VariableChange.Unchanged, "same"), ("NEW_ONE", VariableChange.Added, "hello world"), ("TOKEN", VariableChange.Changed, null)],
            preview.Lines.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (l.Key, l.Change, l.NewValue)));
        Assert.True(preview.CanApply);

        Assert.True((await Variables.ApplyPasteAsync(_owner, _appId, paste, asSecrets: false)).IsSuccess);
        var listed = (await Variables.ListAsync(_owner, _appId)).Value!.ToDictionary(v => v.Key);
        Assert.True(listed["TOKEN"].IsSecret);
        Assert.Equal("new", (await Variables.RevealAsync(_owner, listed["TOKEN"].Id)).Value);
        Assert.Equal("hello world", listed["NEW_ONE"].Value);
    }

    [Fact]
    public async Task A_paste_with_one_bad_line_applies_nothing()
    {
        var result = await Variables.ApplyPasteAsync(_owner, _appId, "GOOD=1\n1BAD=2\nALSO_GOOD=3", asSecrets: false);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Contains("Line 2", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty((await Variables.ListAsync(_owner, _appId)).Value!);
    }

    [Fact]
    public async Task Invalid_keys_are_refused_and_nothing_is_written()
    {
        var result = await Variables.SetManyAsync(_owner, _appId, [new VariableInput("OK", "1"), new VariableInput("--rm", "2")]);

        Assert.Contains("Key", result.Error!.FieldErrors.Keys);
        Assert.Empty((await Variables.ListAsync(_owner, _appId)).Value!);
    }
}
