using System.Reflection;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Catalog;

/// <summary>
/// Loads the catalog: the templates embedded in this assembly (<c>Catalog/Templates/*.yaml</c>), then the admin's
/// <see cref="CatalogOptions.TemplateFolder"/>. A file that does not parse or pass <see cref="TemplateReader"/> is
/// logged with its name and reason, listed in <see cref="TemplateCatalog.Errors"/> and skipped; the others load. A
/// folder template replaces the built-in one with the same id; two files of one source with the same id keep the
/// first by file name and refuse the second.
/// </summary>
internal sealed class ServiceTemplateLoader(IOptions<CatalogOptions> options, ILogger<ServiceTemplateLoader> logger) : IServiceTemplateSource
{
    /// <summary>More files than this in the folder is a mistake (the wrong folder), not a catalog.</summary>
    public const int MaxFolderFiles = 200;

    internal const string ResourcePrefix = "GoForge.Infrastructure.Catalog.Templates.";

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public async Task<TemplateCatalog> LoadAsync(CancellationToken ct = default)
    {
        var errors = new List<TemplateLoadError>();
        var templates = new Dictionary<string, ServiceTemplate>(StringComparer.Ordinal);
        foreach (var (template, _) in Read(await BuiltInFilesAsync(ct), TemplateOrigin.BuiltIn, errors))
        {
            templates[template.Id] = template;
        }

        if (options.Value.TemplateFolder is { Length: > 0 } folder)
        {
            foreach (var (template, file) in Read(await FolderFilesAsync(folder, errors, ct), TemplateOrigin.Folder, errors))
            {
                if (templates.ContainsKey(template.Id))
                {
                    logger.BuiltInReplaced(template.Id, file);
                }

                templates[template.Id] = template;
            }
        }

        foreach (var error in errors)
        {
            logger.Refused(error);
        }

        logger.Loaded(templates.Count, errors.Count);
        return new TemplateCatalog(templates.Values.OrderBy(t => t.Id, StringComparer.Ordinal).ToList(), errors);
    }

    /// <summary>The templates of one source that loaded, with their file names; the rest go to <paramref name="errors"/>.</summary>
    private static List<(ServiceTemplate Template, string File)> Read(IReadOnlyList<(string File, byte[] Content)> files, TemplateOrigin origin, List<TemplateLoadError> errors)
    {
        var loaded = new List<(ServiceTemplate Template, string File)>();
        var fileOfId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, content) in files.OrderBy(f => f.File, StringComparer.Ordinal))
        {
            var read = ReadFile(file, content, origin);
            if (!read.IsSuccess)
            {
                errors.Add(new TemplateLoadError(origin, file, read.Error.FieldErrors.Values.SelectMany(m => m).ToList()));
            }
            else if (!fileOfId.TryAdd(read.Value.Id, file))
            {
                errors.Add(new TemplateLoadError(origin, file, [$"Template '{read.Value.Id}': the id is already taken by {fileOfId[read.Value.Id]}; each id appears once per source."]));
            }
            else
            {
                loaded.Add((read.Value, file));
            }
        }

        return loaded;
    }

    /// <summary>One file through the whole path: syntax, then <see cref="TemplateReader"/> and its rules.</summary>
    internal static Result<ServiceTemplate> ReadFile(string file, byte[] content, TemplateOrigin origin)
    {
        TemplateNode document;
        try
        {
            document = TemplateDocuments.Parse(file, content);
        }
        catch (TemplateSyntaxException e)
        {
            return Error.Validation("file", $"Template file '{file}' {e.Message}");
        }

        return TemplateReader.Read(document, file, origin);
    }

    private static async Task<IReadOnlyList<(string File, byte[] Content)>> BuiltInFilesAsync(CancellationToken ct)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new List<(string, byte[])>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            files.Add((name[ResourcePrefix.Length..], buffer.ToArray()));
        }

        return files;
    }

    /// <summary>The folder's template files (top level; names starting with '.' are editor and system files, skipped).</summary>
    private static async Task<IReadOnlyList<(string File, byte[] Content)>> FolderFilesAsync(string folder, List<TemplateLoadError> errors, CancellationToken ct)
    {
        var files = new List<(string, byte[])>();
        IEnumerable<FileInfo> candidates;
        try
        {
            candidates = new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.') && Extensions.Any(e => f.Name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new TemplateLoadError(TemplateOrigin.Folder, folder, [$"The template folder cannot be read: {e.Message}"]));
            return files;
        }

        foreach (var file in candidates)
        {
            if (files.Count == MaxFolderFiles)
            {
                errors.Add(new TemplateLoadError(TemplateOrigin.Folder, file.Name, [$"The template folder holds more than {MaxFolderFiles} template files; the rest are not read."]));
                break;
            }

            try
            {
                if (file.Length > TemplateNode.MaxFileBytes)
                {
                    errors.Add(new TemplateLoadError(TemplateOrigin.Folder, file.Name, [$"Template file '{file.Name}' is {file.Length} bytes; a template file has at most {TemplateNode.MaxFileBytes}."]));
                    continue;
                }

                files.Add((file.Name, await File.ReadAllBytesAsync(file.FullName, ct)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new TemplateLoadError(TemplateOrigin.Folder, file.Name, [$"Template file '{file.Name}' cannot be read: {e.Message}"]));
            }
        }

        return files;
    }
}
