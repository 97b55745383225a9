using GoForge.Web.Endpoints.Api;

namespace GoForge.Tests.Api;

public sealed class ApiOptionsTests
{
    [Fact]
    public void The_defaults_are_600_a_minute_and_one_MiB()
    {
        var options = new ApiOptions();

        Assert.Equal((600, 1024 * 1024), (options.RequestsPerMinutePerToken, options.MaxRequestBodyBytes));
        Assert.True(new ApiOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Out_of_range_limits_stop_start_up_naming_each_key()
    {
        var result = new ApiOptionsValidator().Validate(null, new ApiOptions { RequestsPerMinutePerToken = 0, MaxRequestBodyBytes = 10 });

        Assert.True(result.Failed);
        Assert.Contains("GoForge:Api:RequestsPerMinutePerToken", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GoForge:Api:MaxRequestBodyBytes", result.FailureMessage, StringComparison.Ordinal);
    }
}
