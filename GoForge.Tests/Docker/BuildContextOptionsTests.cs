using GoForge.Infrastructure.Docker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker;

public sealed class BuildContextOptionsTests
{
    [Theory]
    [InlineData("MaxContextBytes", "0")]
    [InlineData("MaxDockerIgnoreBytes", "-1")]
    [InlineData("MaxDockerfileBytes", "0")]
    public async Task A_cap_below_one_byte_stops_start_up_naming_the_setting(string setting, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [$"GoForge:BuildContext:{setting}"] = value }));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_are_one_GiB_for_the_context_and_one_MiB_for_dockerignore_and_Dockerfile()
    {
        var options = await StartAsync([]);

        Assert.Equal(1024L * 1024 * 1024, options.MaxContextBytes);
        Assert.Equal(1024L * 1024, options.MaxDockerIgnoreBytes);
        Assert.Equal(1024L * 1024, options.MaxDockerfileBytes);
    }

    private static async Task<BuildContextOptions> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddDockerAdapters();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
        return host.Services.GetRequiredService<IOptions<BuildContextOptions>>().Value;
    }
}
