using System.Security.Cryptography;
using Dapper;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GoForge.Tests.Secrets;

/// <summary>Keys, rings and rows for the secrets tests.</summary>
internal static class SecretsTestData
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string KeyIdOf(string base64Key) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(base64Key)))[..16];

    public static SecretKeyRing ConfiguredRing(string key, params string[] retired) =>
        new(Options.Create(new SecretKeyOptions { SecretKey = key, RetiredSecretKeys = retired }), NullLogger<SecretKeyRing>.Instance);

    public static SecretKeyRing FileRing(string dataPath) =>
        new(Options.Create(new SecretKeyOptions { DataPath = dataPath }), NullLogger<SecretKeyRing>.Instance);

    public static AesGcmSecretProtector Protector(SecretKeyRing ring) => new(ring);

    /// <summary>Core and Infrastructure with secret protection registered, over a fresh database; keys from <paramref name="settings"/> or a key file in a temp folder.</summary>
    public static Task<TestHost> StartHostAsync(PostgresFixture postgres, string prefix, IDictionary<string, string?>? settings = null) =>
        TestHost.StartAsync(postgres, prefix, settings, services => services.AddSecretProtection().AddSecretsServices());

    /// <summary>The start-up check as another start of GoForge with <paramref name="ring"/> would run it.</summary>
    public static async Task VerifyWithAsync(string connectionString, SecretKeyRing ring)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SecretKeyCheck(dataSource, ring, Protector(ring), TimeProvider.System, NullLogger<SecretKeyCheck>.Instance).VerifyAsync();
    }

    public static Dictionary<string, string?> KeySettings(string key, params string[] retired)
    {
        var settings = new Dictionary<string, string?> { ["GoForge:SecretKey"] = key };
        for (var i = 0; i < retired.Length; i++)
        {
            settings[$"GoForge:RetiredSecretKeys:{i}"] = retired[i];
        }

        return settings;
    }

    /// <summary>A project, an environment and an application, inserted with SQL that honours 0002's constraints; returns the application id.</summary>
    public static async Task<Guid> InsertApplicationAsync(string connectionString)
    {
        const string sql = """
            INSERT INTO projects (id, name, slug, description, created_at, updated_at)
            VALUES (@projectId, 'Secrets test', @slug, NULL, now(), now());
            INSERT INTO environments (id, project_id, name, slug, created_at)
            VALUES (@environmentId, @projectId, 'Production', 'production', now());
            INSERT INTO applications (id, project_id, environment_id, name, slug, git_url, branch, build_context, dockerfile_path,
                                      container_port, health_check_path, memory_limit_mb, cpu_limit, restart_policy, auto_deploy, created_at, updated_at)
            VALUES (@applicationId, @projectId, @environmentId, 'Web', 'web', 'https://example.com/web.git', 'main', '.', 'Dockerfile',
                    8080, NULL, NULL, NULL, 'unless-stopped', false, now(), now());
            """;
        var ids = new { projectId = Guid.NewGuid(), environmentId = Guid.NewGuid(), applicationId = Guid.NewGuid(), slug = $"p{Guid.NewGuid():N}"[..20] };
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.ExecuteAsync(sql, ids);
        return ids.applicationId;
    }

    /// <summary>
    /// Stores <paramref name="count"/> variables encrypted by <paramref name="protector"/> and returns their plain values by row id.
    /// Each value's key id is registered first, as the GoForge that wrote it would have done.
    /// </summary>
    public static async Task<Dictionary<Guid, string>> InsertVariablesAsync(string connectionString, Guid applicationId, ISecretProtector protector, int count, string prefix = "VAR")
    {
        var values = new Dictionary<Guid, string>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            var plaintext = $"value {i} of {prefix}: p@ss wörd ✓ {Guid.NewGuid():N}";
            await InsertVariableAsync(connectionString, applicationId, id, $"{prefix}_{i}", protector.Protect(plaintext, id));
            values[id] = plaintext;
        }

        return values;
    }

    public static async Task InsertVariableAsync(string connectionString, Guid applicationId, Guid id, string key, ProtectedValue value, bool registerKeyId = true)
    {
        const string register = "INSERT INTO secret_key_ids (key_id, added_at) VALUES (@KeyId, now()) ON CONFLICT (key_id) DO NOTHING";
        const string insert = """
            INSERT INTO environment_variables (id, application_id, key, value_ciphertext, value_key_id, is_secret, is_build_time, created_at, updated_at)
            VALUES (@id, @applicationId, @key, @Ciphertext, @KeyId, true, false, now(), now())
            """;
        await using var conn = new NpgsqlConnection(connectionString);
        if (registerKeyId)
        {
            await conn.ExecuteAsync(register, new { value.KeyId });
        }

        await conn.ExecuteAsync(insert, new { id, applicationId, key, value.Ciphertext, value.KeyId });
    }

    public static async Task<Dictionary<Guid, ProtectedValue>> ReadVariablesAsync(string connectionString)
    {
        const string sql = "SELECT id, value_key_id, value_ciphertext FROM environment_variables";
        await using var conn = new NpgsqlConnection(connectionString);
        var rows = await conn.QueryAsync<(Guid Id, string KeyId, byte[] Ciphertext)>(sql);
        return rows.ToDictionary(r => r.Id, r => new ProtectedValue(r.KeyId, r.Ciphertext));
    }

    public static async Task<ProtectedValue?> ReadCheckAsync(string connectionString)
    {
        const string sql = "SELECT key_id, ciphertext FROM secret_key_check WHERE id = 1";
        await using var conn = new NpgsqlConnection(connectionString);
        var rows = (await conn.QueryAsync<(string KeyId, byte[] Ciphertext)>(sql)).AsList();
        return rows.Count == 0 ? null : new ProtectedValue(rows[0].KeyId, rows[0].Ciphertext);
    }

    public static async Task<List<string>> ReadKnownKeyIdsAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        return (await conn.QueryAsync<string>("SELECT key_id FROM secret_key_ids ORDER BY key_id")).AsList();
    }
}
