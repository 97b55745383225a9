using System.Net;
using System.Text.RegularExpressions;

namespace GoForge.Tests.Support;

/// <summary>Posts server-rendered forms the way a browser does: hidden fields (antiforgery, handler) from the page, plus the user's values.</summary>
public static partial class FormClient
{
    public static async Task<Dictionary<string, string>> HiddenFieldsAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        return HiddenInput().Matches(html)
            .Select(m => (Name: WebUtility.HtmlDecode(m.Groups["name"].Value), Value: WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .GroupBy(f => f.Name)
            .ToDictionary(g => g.Key, g => g.First().Value);
    }

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, IReadOnlyDictionary<string, string> values, bool withAntiforgery = true)
    {
        var fields = await HiddenFieldsAsync(client, path);
        if (!withAntiforgery)
        {
            fields.Remove("__RequestVerificationToken");
        }

        foreach (var (key, value) in values)
        {
            fields[key] = value;
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string login, string password) =>
        SubmitAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = login, ["Input.Password"] = password });

    [GeneratedRegex("""<input(?=[^>]*type="hidden")(?=[^>]*name="(?<name>[^"]*)")(?=[^>]*value="(?<value>[^"]*)")[^>]*>""")]
    private static partial Regex HiddenInput();
}
