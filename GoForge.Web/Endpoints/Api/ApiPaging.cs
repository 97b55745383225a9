using System.Globalization;
using System.Text;
using GoForge.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>One page of a list: the items and the cursor of the next page (null on the last one).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// The one pagination of /api/v1: <c>?limit=</c> (1 to <see cref="MaxLimit"/>, default <see cref="DefaultLimit"/>) and
/// <c>?cursor=</c>, the opaque <c>nextCursor</c> of the previous page. Clients never build cursors; each list decides
/// what its cursor holds (these lists: a position), so a list can move to keyset paging without breaking anyone.
/// </summary>
public readonly record struct PageRequest(int Limit, int Offset)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private const string OffsetPrefix = "o:";

    /// <summary>The request's page, or the 400 problem naming the bad parameter.</summary>
    public static bool TryRead(int? limit, string? cursor, out PageRequest page, out ProblemHttpResult? problem)
    {
        page = default;
        problem = null;
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            problem = ApiResults.Validation("limit", $"Ask for 1 to {MaxLimit} items.");
            return false;
        }

        var offset = 0;
        if (!string.IsNullOrEmpty(cursor) && !TryDecode(cursor, out offset))
        {
            problem = ApiResults.Validation("cursor", "This is not a cursor this list gave out; start again without one.");
            return false;
        }

        page = new PageRequest(size, offset);
        return true;
    }

    /// <summary>
    /// A list endpoint whole: the page asked for (or its 400), Core's list read with it (or Core's problem), and that
    /// page of it mapped to the wire shape.
    /// </summary>
    public static async Task<Results<Ok<Page<TOut>>, ProblemHttpResult>> AnswerAsync<TIn, TOut>(
        int? limit, string? cursor, Func<PageRequest, Task<Result<IReadOnlyList<TIn>>>> read, Func<TIn, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var result = await read(page);
        return result.IsSuccess ? TypedResults.Ok(page.Apply(result.Value, map)) : ApiResults.Problem(result.Error);
    }

    /// <summary>This page of an already ordered list.</summary>
    public Page<TOut> Apply<TIn, TOut>(IReadOnlyList<TIn> all, Func<TIn, TOut> map)
    {
        var items = all.Skip(Offset).Take(Limit).Select(map).ToList();
        var next = Offset + items.Count < all.Count ? Encode(Offset + items.Count) : null;
        return new Page<TOut>(items, next);
    }

    private static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(OffsetPrefix + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string cursor, out int offset)
    {
        offset = 0;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return text.StartsWith(OffsetPrefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(OffsetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
