using GoForge.Infrastructure.Crypto;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Secrets;

public sealed class SecretKeyOptionsTests
{
    [Fact]
    public async Task Secret_key_that_is_not_base64_stops_start_up_naming_the_key_and_not_its_value()
    {
        const string bad = "this is not base64 at all!";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["GoForge:SecretKey"] = bad }));

        Assert.Contains("GoForge:SecretKey is not valid base64.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(bad, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public async Task Secret_key_of_the_wrong_length_stops_start_up_saying_what_it_decodes_to(int length)
    {
        var key = Convert.ToBase64String(new byte[length]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["GoForge:SecretKey"] = key }));

        Assert.Contains($"GoForge:SecretKey must be base64 of exactly 32 bytes, but it decodes to {length} bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_retired_key_is_named_by_its_index_and_every_error_is_reported()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["GoForge:SecretKey"] = "short",
            ["GoForge:RetiredSecretKeys:0"] = NewKey(),
            ["GoForge:RetiredSecretKeys:1"] = "%%%",
        }));

        Assert.Contains("GoForge:SecretKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("GoForge:RetiredSecretKeys:1 is not valid base64.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("GoForge:RetiredSecretKeys:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retired_keys_without_a_configured_key_are_refused()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["GoForge:RetiredSecretKeys:0"] = NewKey() }));

        Assert.Contains("GoForge:RetiredSecretKeys is set but GoForge:SecretKey is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relative_data_path_is_refused_when_the_key_file_is_used()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["GoForge:DataPath"] = "relative/folder" }));

        Assert.Contains("GoForge:DataPath must be an absolute folder path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_key_and_retired_keys_pass()
    {
        await StartAsync(new() { ["GoForge:SecretKey"] = $"  {NewKey()}\n", ["GoForge:RetiredSecretKeys:0"] = NewKey() });
    }

    [Fact]
    public void Registering_twice_binds_and_validates_once()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GoForge:SecretKey"] = NewKey(),
            ["GoForge:RetiredSecretKeys:0"] = NewKey(),
        }).Build());
        services.AddLogging();

        services.AddSecretProtection().AddSecretProtection();
        using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetRequiredService<IOptions<SecretKeyOptions>>().Value.RetiredSecretKeys);
        Assert.Single(provider.GetServices<IValidateOptions<SecretKeyOptions>>());
    }

    /// <summary>Starts a bare host with only secret protection registered: start-up validates the options (ValidateOnStart).</summary>
    private static async Task StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSecretProtection();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }
}
