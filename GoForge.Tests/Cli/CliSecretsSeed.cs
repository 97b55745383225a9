using Dapper;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Cli;

/// <summary>Secrets stored through the real services, and a reader that decrypts every encrypted column there is.</summary>
internal static class CliSecretsSeed
{
    public static readonly Actor Admin = Actor.Operator;

    /// <summary>An application with secret and plain variables, set through <see cref="VariableService"/>; returns it and the values.</summary>
    public static async Task<(Application App, Dictionary<string, string> Values)> SeedAsync(TestHost host, string projectName = "Shop")
    {
        var (_, production) = await host.Services.CreateProjectAsync(Admin, projectName);
        var app = await host.Services.CreateApplicationAsync(Admin, production.Id, "web");
        var values = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "postgres://shop:s3cr3t-Ünïcødé@db/shop",
            ["API_KEY"] = "sk_live_" + Guid.NewGuid().ToString("N"),
            ["PLAIN"] = "not secret",
        };
        var set = await host.Get<VariableService>().SetManyAsync(Admin, app.Id,
            values.Select(v => new VariableInput(v.Key, v.Value, IsSecret: v.Key != "PLAIN")).ToList());
        Assert.True(set.IsSuccess, set.Error?.Message);
        return (app, values);
    }

    /// <summary>Every value the application's variables reveal, as a reader of the panel sees them.</summary>
    public static async Task<Dictionary<string, string>> RevealAllAsync(TestHost host, Guid applicationId)
    {
        var variables = host.Get<VariableService>();
        var listed = await variables.ListAsync(Admin, applicationId);
        Assert.True(listed.IsSuccess, listed.Error?.Message);
        var values = new Dictionary<string, string>();
        foreach (var variable in listed.Value!)
        {
            var revealed = variable.IsSecret ? await variables.RevealAsync(Admin, variable.Id) : GoForge.Core.Common.Result<string>.Ok(variable.Value!);
            Assert.True(revealed.IsSuccess, revealed.Error?.Message);
            values[variable.Key] = revealed.Value!;
        }

        return values;
    }

    /// <summary>Decrypts every value of every encrypted column (<see cref="SecretKeyTables.EncryptedColumns"/>), keyed by table and row.</summary>
    public static async Task<Dictionary<string, string>> DecryptEverythingAsync(string connectionString, ISecretProtector protector)
    {
        var all = new Dictionary<string, string>();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        foreach (var column in SecretKeyTables.EncryptedColumns)
        {
            // Compile-time table and column names only.
            var rows = await conn.QueryAsync<(Guid Id, byte[] Ciphertext, string KeyId)>(
                $"SELECT id, {column.CiphertextColumn}, {column.KeyIdColumn} FROM {column.Table}");
            foreach (var row in rows)
            {
                all[$"{column.Table}:{row.Id}"] = protector.Unprotect(new ProtectedValue(row.KeyId, row.Ciphertext), row.Id);
            }
        }

        return all;
    }
}
