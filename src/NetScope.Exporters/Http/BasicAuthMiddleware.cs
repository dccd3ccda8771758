using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace NetScope.Exporters.Http;

/// <summary>
/// HTTP basic auth against the web config's bcrypt hashes, in the manner of exporter-toolkit: 401 with a
/// Basic challenge when credentials are missing or wrong. /healthz and /readyz are let through only when
/// the config says allow_unauthenticated_health: true.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim only needs disposing once AvailableWaitHandle is used, which it never is; the middleware lives as long as the app.")]
internal sealed class BasicAuthMiddleware
{
    /// <summary>Value of WWW-Authenticate on every 401.</summary>
    public const string Challenge = "Basic realm=\"netscope\"";

    // Only successful verifications are cached, so the cache holds at most one entry per working
    // password (bcrypt ignores bytes past 72, so a client could vary a long one); clearing when full
    // keeps even that bounded.
    private const int MaxCachedCredentials = 256;

    private static readonly PathString[] s_healthPaths = [new("/healthz"), new("/readyz")];

    private readonly RequestDelegate _next;
    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly bool _allowUnauthenticatedHealth;

    // Hashed for unknown users too, so a wrong user name costs as long as a wrong password and the
    // response time does not tell which user names exist.
    private readonly string _decoyHash;

    // SHA-256 of the presented "user:password" bytes: the password itself is never kept in memory.
    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);

    // One bcrypt at a time: a flood of bad passwords then costs one core, not all of them (exporter-toolkit does the same).
    private readonly SemaphoreSlim _bcrypt = new(1, 1);

    public BasicAuthMiddleware(RequestDelegate next, WebConfig web)
    {
        if (!web.RequiresBasicAuth)
        {
            throw new ArgumentException("basic auth needs at least one user", nameof(web));
        }

        _next = next;
        _users = web.BasicAuthUsers;
        _allowUnauthenticatedHealth = web.AllowUnauthenticatedHealth;
        _decoyHash = web.BasicAuthUsers.Values.First();
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if ((_allowUnauthenticatedHealth && IsHealthPath(context.Request.Path))
            || (TryReadCredentials(context.Request.Headers.Authorization, out byte[]? raw, out string? user, out string? password)
                && await VerifyAsync(raw, user, password, context.RequestAborted)))
        {
            await _next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = Challenge;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Unauthorized\n", context.RequestAborted);
    }

    private static bool IsHealthPath(PathString path)
    {
        // PathString equality ignores case, as routing does, so /HEALTHZ is treated like /healthz.
        foreach (PathString health in s_healthPaths)
        {
            if (path.Equals(health))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits "Authorization: Basic base64(user:password)" (RFC 7617, UTF-8).</summary>
    internal static bool TryReadCredentials(
        StringValues header,
        [NotNullWhen(true)] out byte[]? raw,
        [NotNullWhen(true)] out string? user,
        [NotNullWhen(true)] out string? password)
    {
        raw = null;
        user = null;
        password = null;
        if (header.Count != 1
            || !AuthenticationHeaderValue.TryParse(header[0], out AuthenticationHeaderValue? value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || value.Parameter is not { Length: > 0 } encoded)
        {
            return false;
        }

        byte[] buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out int length))
        {
            return false;
        }

        raw = buffer.AsSpan(0, length).ToArray();
        int colon = Array.IndexOf(raw, (byte)':');
        if (colon < 0)
        {
            return false;
        }

        user = Encoding.UTF8.GetString(raw, 0, colon);
        password = Encoding.UTF8.GetString(raw, colon + 1, raw.Length - colon - 1);
        return true;
    }

    private async Task<bool> VerifyAsync(byte[] raw, string user, string password, CancellationToken cancellationToken)
    {
        // The lookup compares SHA-256 digests, which a client cannot steer byte by byte, so an ordinary
        // dictionary lookup leaks nothing useful about the stored credentials.
        string cacheKey = Convert.ToHexString(SHA256.HashData(raw));
        if (_verified.ContainsKey(cacheKey))
        {
            return true;
        }

        bool known = _users.TryGetValue(user, out string? storedHash);
        string hash = known ? storedHash! : _decoyHash;
        string computed;
        await _bcrypt.WaitAsync(cancellationToken);
        try
        {
            // Hashing with the stored hash as salt reproduces it exactly when the password is right.
            computed = BCrypt.Net.BCrypt.HashPassword(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
        finally
        {
            _bcrypt.Release();
        }

        bool ok = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(hash)) && known;
        if (ok)
        {
            if (_verified.Count >= MaxCachedCredentials)
            {
                _verified.Clear();
            }

            _verified.TryAdd(cacheKey, 0);
        }

        return ok;
    }
}
