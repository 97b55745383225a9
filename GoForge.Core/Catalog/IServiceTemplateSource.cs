namespace GoForge.Core.Catalog;

/// <summary>A template file that was not loaded, and why; shown to administrators.</summary>
/// <param name="File">The resource or file name (never its content).</param>
/// <param name="Problems">Each problem names the template (or the file) and the field.</param>
public sealed record TemplateLoadError(TemplateOrigin Origin, string File, IReadOnlyList<string> Problems);

/// <summary>The templates that loaded, one per id, sorted by id; and the files that did not.</summary>
public sealed record TemplateCatalog(IReadOnlyList<ServiceTemplate> Templates, IReadOnlyList<TemplateLoadError> Errors);

/// <summary>
/// Where templates come from (Infrastructure: the ones shipped inside GoForge and the admin's folder). Every template
/// handed out passed <see cref="TemplateReader"/> and <see cref="TemplateRules"/>; a file that did not is in
/// <see cref="TemplateCatalog.Errors"/> instead.
/// </summary>
public interface IServiceTemplateSource
{
    Task<TemplateCatalog> LoadAsync(CancellationToken ct = default);
}
