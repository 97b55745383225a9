using Dapper;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Routing;

internal sealed class RoutingSettingsRepository(NpgsqlDataSource dataSource) : IRoutingSettingsRepository
{
    public async Task<RoutingSettings?> GetAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT application_id, redirect_to_https, www_redirect, basic_auth_user_names, basic_auth_hashes, ip_allow_list,
                   rate_limit_average, rate_limit_burst, security_headers, response_header_names, response_header_values,
                   strip_path_prefix, compression, cert_resolver, updated_at
            FROM application_routing WHERE application_id = @applicationId
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<RoutingRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return row?.ToSettings();
    }

    public async Task<bool> SaveAsync(RoutingSettings settings, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO application_routing (application_id, redirect_to_https, www_redirect, basic_auth_user_names, basic_auth_hashes,
                   ip_allow_list, rate_limit_average, rate_limit_burst, security_headers, response_header_names, response_header_values,
                   strip_path_prefix, compression, cert_resolver, updated_at)
            VALUES (@ApplicationId, @RedirectToHttps, @WwwRedirect, @BasicAuthUserNames, @BasicAuthHashes,
                   @IpAllowList, @RateLimitAverage, @RateLimitBurst, @SecurityHeaders, @ResponseHeaderNames, @ResponseHeaderValues,
                   @StripPathPrefix, @Compression, @CertResolver, @UpdatedAt)
            ON CONFLICT (application_id) DO UPDATE SET
                   redirect_to_https = excluded.redirect_to_https, www_redirect = excluded.www_redirect,
                   basic_auth_user_names = excluded.basic_auth_user_names, basic_auth_hashes = excluded.basic_auth_hashes,
                   ip_allow_list = excluded.ip_allow_list, rate_limit_average = excluded.rate_limit_average,
                   rate_limit_burst = excluded.rate_limit_burst, security_headers = excluded.security_headers,
                   response_header_names = excluded.response_header_names, response_header_values = excluded.response_header_values,
                   strip_path_prefix = excluded.strip_path_prefix, compression = excluded.compression,
                   cert_resolver = excluded.cert_resolver, updated_at = excluded.updated_at
            """;
        var args = new
        {
            settings.ApplicationId,
            settings.RedirectToHttps,
            WwwRedirect = settings.WwwRedirect.ToDb(),
            BasicAuthUserNames = settings.BasicAuthUsers.Select(u => u.UserName).ToArray(),
            BasicAuthHashes = settings.BasicAuthUsers.Select(u => u.PasswordHash).ToArray(),
            IpAllowList = settings.IpAllowList.ToArray(),
            RateLimitAverage = settings.RateLimit?.AveragePerSecond,
            RateLimitBurst = settings.RateLimit?.Burst,
            settings.SecurityHeaders,
            ResponseHeaderNames = settings.ResponseHeaders.Select(h => h.Name).ToArray(),
            ResponseHeaderValues = settings.ResponseHeaders.Select(h => h.Value).ToArray(),
            settings.StripPathPrefix,
            settings.Compression,
            settings.CertResolver,
            UpdatedAt = settings.UpdatedAt ?? DateTimeOffset.UtcNow,
        };
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await conn.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return false; // the application was deleted meanwhile
        }
    }

    private sealed record RoutingRow
    {
        public Guid ApplicationId { get; init; }

        public bool RedirectToHttps { get; init; }

        public string WwwRedirect { get; init; } = "";

        public string[] BasicAuthUserNames { get; init; } = [];

        public string[] BasicAuthHashes { get; init; } = [];

        public string[] IpAllowList { get; init; } = [];

        public int? RateLimitAverage { get; init; }

        public int? RateLimitBurst { get; init; }

        public bool SecurityHeaders { get; init; }

        public string[] ResponseHeaderNames { get; init; } = [];

        public string[] ResponseHeaderValues { get; init; } = [];

        public bool StripPathPrefix { get; init; }

        public bool Compression { get; init; }

        public string? CertResolver { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public RoutingSettings ToSettings() => new()
        {
            ApplicationId = ApplicationId,
            RedirectToHttps = RedirectToHttps,
            WwwRedirect = DbEnums.ToWwwRedirect(WwwRedirect),
            BasicAuthUsers = BasicAuthUserNames.Zip(BasicAuthHashes, (name, hash) => new BasicAuthUser(name, hash)).ToList(),
            IpAllowList = IpAllowList,
            RateLimit = RateLimitAverage is { } average && RateLimitBurst is { } burst ? new RateLimit(average, burst) : null,
            SecurityHeaders = SecurityHeaders,
            ResponseHeaders = ResponseHeaderNames.Zip(ResponseHeaderValues, (name, value) => new ResponseHeader(name, value)).ToList(),
            StripPathPrefix = StripPathPrefix,
            Compression = Compression,
            CertResolver = CertResolver,
            UpdatedAt = UpdatedAt,
        };
    }
}
