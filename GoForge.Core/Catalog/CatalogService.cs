using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Catalog;

/// <summary>
/// The service catalog as the panel sees it. Templates are loaded once, on first use, and kept until an administrator
/// reloads them (after changing the template folder). Browsing needs no role: templates hold no secrets. Load errors
/// name files on the server, so only administrators see them.
/// </summary>
public sealed class CatalogService(IServiceTemplateSource source)
{
    public const int SearchMaxLength = 100;

    private static readonly Error NotAdmin = Error.Forbidden("Only administrators see and reload the catalog's template files.");

    private Lazy<Task<TemplateCatalog>> _catalog = new(() => source.LoadAsync(CancellationToken.None));

    /// <summary>
    /// Templates whose id, name, description, category or image contain every word of <paramref name="search"/>
    /// (ignoring case), in <paramref name="category"/> when given; sorted by category, then name.
    /// </summary>
    public async Task<IReadOnlyList<ServiceTemplate>> ListAsync(string? search = null, ServiceCategory? category = null, CancellationToken ct = default)
    {
        var catalog = await CatalogAsync(ct);
        var text = (search ?? string.Empty).Trim();
        var words = (text.Length > SearchMaxLength ? text[..SearchMaxLength] : text)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return catalog.Templates
            .Where(t => category is null || t.Category == category)
            .Where(t => words.All(w => Matches(t, w)))
            .OrderBy(t => t.Category)
            .ThenBy(t => t.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public async Task<Result<ServiceTemplate>> GetAsync(string? id, CancellationToken ct = default)
    {
        var catalog = await CatalogAsync(ct);
        return catalog.Templates.FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.Ordinal)) is { } template
            ? template
            : Error.NotFound("No such service in the catalog.");
    }

    public async Task<Result<IReadOnlyList<TemplateLoadError>>> LoadErrorsAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        return Result<IReadOnlyList<TemplateLoadError>>.Ok((await CatalogAsync(ct)).Errors);
    }

    /// <summary>Reads every template again; answers the new load errors.</summary>
    public async Task<Result<IReadOnlyList<TemplateLoadError>>> ReloadAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        Interlocked.Exchange(ref _catalog, new(() => source.LoadAsync(CancellationToken.None)));
        return Result<IReadOnlyList<TemplateLoadError>>.Ok((await CatalogAsync(ct)).Errors);
    }

    private static bool Matches(ServiceTemplate template, string word) =>
        template.Id.Contains(word, StringComparison.OrdinalIgnoreCase)
        || template.Name.Contains(word, StringComparison.OrdinalIgnoreCase)
        || template.Description.Contains(word, StringComparison.OrdinalIgnoreCase)
        || template.Image.Contains(word, StringComparison.OrdinalIgnoreCase)
        || template.Category.ToString().Contains(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// One shared load, never cancelled by one caller (each caller stops waiting on its own token). A load that failed
    /// (the folder vanished) is not kept: the next call tries again.
    /// </summary>
    private async Task<TemplateCatalog> CatalogAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _catalog);
        try
        {
            return await current.Value.WaitAsync(ct);
        }
        catch (Exception) when (current.Value.IsFaulted)
        {
            Interlocked.CompareExchange(ref _catalog, new(() => source.LoadAsync(CancellationToken.None)), current);
            throw;
        }
    }
}
