using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Catalog;

/// <summary>Section <c>GoForge:Catalog</c>: where the admin keeps templates of their own.</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "GoForge:Catalog";

    /// <summary>
    /// A folder of <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> templates read besides the shipped ones (not its
    /// subfolders); a template there replaces the shipped one with the same id. Absolute; must exist. Null: shipped
    /// templates only.
    /// </summary>
    public string? TemplateFolder { get; set; }
}

internal sealed class CatalogOptionsValidator : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var folder = options.TemplateFolder;
        if (string.IsNullOrEmpty(folder))
        {
            return ValidateOptionsResult.Success;
        }

        if (!Path.IsPathFullyQualified(folder) || folder.Any(char.IsControl))
        {
            return ValidateOptionsResult.Fail($"{CatalogOptions.SectionName}:{nameof(CatalogOptions.TemplateFolder)} must be an absolute path, e.g. /etc/goforge/templates.");
        }

        return Directory.Exists(folder)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{CatalogOptions.SectionName}:{nameof(CatalogOptions.TemplateFolder)} '{folder}' is not an existing folder.");
    }
}
