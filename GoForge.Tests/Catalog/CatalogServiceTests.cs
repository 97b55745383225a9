using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Infrastructure.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Catalog;

public sealed class CatalogServiceTests
{
    private static readonly Actor Admin = new(Guid.NewGuid(), "admin", UserRole.Admin);
    private static readonly Actor Member = new(Guid.NewGuid(), "member", UserRole.Member);

    private static CatalogService Shipped() =>
        new(new ServiceTemplateLoader(Options.Create(new CatalogOptions()), NullLogger<ServiceTemplateLoader>.Instance));

    [Fact]
    public async Task Listing_without_filters_gives_every_template_by_category_then_name()
    {
        var all = await Shipped().ListAsync();

        Assert.Equal(12, all.Count);
        Assert.Equal(all.OrderBy(t => t.Category).ThenBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Select(t => t.Id), all.Select(t => t.Id));
        Assert.Equal(["mariadb", "mongodb", "mysql", "postgresql"], all.TakeWhile(t => t.Category == ServiceCategory.Database).Select(t => t.Id));
    }

    [Theory]
    [InlineData("postgres", new[] { "adminer", "postgresql" })]
    [InlineData("RELATIONAL Database", new[] { "mariadb", "mysql", "postgresql" })]
    [InlineData("redis", new[] { "redis", "valkey" })]
    [InlineData("s3", new[] { "minio" })]
    [InlineData("git service", new[] { "gitea" })]
    [InlineData("  search   ", new[] { "meilisearch" })]
    [InlineData("nothing-like-this", new string[0])]
    public async Task Search_matches_every_word_in_id_name_description_or_image(string search, string[] ids)
    {
        var found = await Shipped().ListAsync(search);

        Assert.Equal(ids.Order(StringComparer.Ordinal), found.Select(t => t.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(ServiceCategory.Cache, new[] { "redis", "valkey" })]
    [InlineData(ServiceCategory.Storage, new[] { "minio" })]
    [InlineData(ServiceCategory.Messaging, new[] { "rabbitmq" })]
    [InlineData(ServiceCategory.Search, new[] { "meilisearch" })]
    [InlineData(ServiceCategory.Tool, new[] { "adminer", "gitea", "uptime-kuma" })]
    public async Task The_category_filter_keeps_only_that_category(ServiceCategory category, string[] ids)
    {
        var found = await Shipped().ListAsync(category: category);

        Assert.Equal(ids, found.Select(t => t.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_and_category_combine()
    {
        Assert.Equal(["valkey"], (await Shipped().ListAsync("open-source", ServiceCategory.Cache)).Select(t => t.Id));
        Assert.Equal(["adminer"], (await Shipped().ListAsync("postgres", ServiceCategory.Tool)).Select(t => t.Id));
        Assert.Empty(await Shipped().ListAsync("postgres", ServiceCategory.Cache));
    }

    [Fact]
    public async Task An_overlong_search_is_cut_rather_than_refused()
    {
        Assert.Empty(await Shipped().ListAsync(new string('x', 100_000)));
    }

    [Fact]
    public async Task A_template_is_found_by_its_id_and_an_unknown_id_is_not_found()
    {
        var service = Shipped();

        Assert.Equal("Redis", (await service.GetAsync("redis")).Value!.Name);
        Assert.Equal(ErrorKind.NotFound, (await service.GetAsync("Redis")).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await service.GetAsync("../redis")).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await service.GetAsync(null)).Error!.Kind);
    }

    [Fact]
    public async Task Only_administrators_see_load_errors_and_reload()
    {
        var source = new CountingSource(new TemplateCatalog([], [new TemplateLoadError(TemplateOrigin.Folder, "broken.yaml", ["Template 'x', id: bad"])]));
        var service = new CatalogService(source);

        Assert.Equal(ErrorKind.Forbidden, (await service.LoadErrorsAsync(Member)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await service.ReloadAsync(Member)).Error!.Kind);
        Assert.Equal("broken.yaml", Assert.Single((await service.LoadErrorsAsync(Admin)).Value!).File);
    }

    [Fact]
    public async Task Templates_are_loaded_once_until_an_administrator_reloads()
    {
        var source = new CountingSource(new TemplateCatalog([], []));
        var service = new CatalogService(source);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => service.ListAsync()));
        await service.GetAsync("redis");
        Assert.Equal(1, source.Loads);

        await service.ReloadAsync(Admin);
        await service.ListAsync();
        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task A_load_that_failed_is_tried_again_on_the_next_call()
    {
        var source = new CountingSource(new TemplateCatalog([], [])) { FailFirst = true };
        var service = new CatalogService(source);

        await Assert.ThrowsAsync<IOException>(() => service.ListAsync());
        Assert.Empty(await service.ListAsync());
        Assert.Equal(2, source.Loads);
    }

    private sealed class CountingSource(TemplateCatalog catalog) : IServiceTemplateSource
    {
        private int _loads;

        public bool FailFirst { get; init; }

        public int Loads => _loads;

        public async Task<TemplateCatalog> LoadAsync(CancellationToken ct = default)
        {
            var load = Interlocked.Increment(ref _loads);
            await Task.Yield();
            return FailFirst && load == 1 ? throw new IOException("the folder vanished") : catalog;
        }
    }
}
