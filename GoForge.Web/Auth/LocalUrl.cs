namespace GoForge.Web.Auth;

/// <summary>Keeps return addresses on this site, so a crafted sign-in link cannot send people elsewhere.</summary>
public static class LocalUrl
{
    public static string OrHome(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048)
        {
            return "/";
        }

        // "/path" is local; "//host" and "/\host" are other sites; control characters are never part of a path.
        var local = url[0] == '/'
            && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Any(char.IsControl);
        return local ? url : "/";
    }
}
