using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;

namespace NetScope.Agent.Top;

/// <summary>
/// Reads /api/v1/heatmap and /api/v1/flood from a running agent (plain HTTP, or HTTPS with optional
/// client certificate and basic auth, as the agent's web config allows). Every failure becomes an
/// <see cref="AgentApiException"/> whose message names the agent and says what to do.
/// </summary>
internal sealed class AgentApiClient : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http;
    private readonly Uri _agent;
    private readonly string _shown;
    private readonly bool _hasCredentials;

    public AgentApiClient(TopSettings settings)
    {
        _agent = settings.Agent;
        _shown = settings.Agent.GetLeftPart(UriPartial.Authority);
        _hasCredentials = settings.User is not null;
        _http = new HttpClient(CreateHandler(settings)) { BaseAddress = settings.Agent, Timeout = s_timeout };
        if (settings.User is not null)
        {
            // Sent up front: the agent answers 401 without a challenge round trip worth waiting for.
            string token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.User}:{settings.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    /// <summary>The series with p50/p99 and rate.</summary>
    public async Task<HeatmapOverview> GetOverviewAsync(CancellationToken cancellationToken) =>
        await GetAsync(HeatmapApi.Path, AgentApiJson.Default.HeatmapOverview, cancellationToken) ?? throw NotFound(HeatmapApi.Path);

    /// <summary>One series' columns at <paramref name="scale"/>; null when the agent no longer tracks it.</summary>
    public Task<HeatmapSeriesDetail?> GetSeriesAsync(string role, string port, int scale, CancellationToken cancellationToken) =>
        GetAsync(
            $"{HeatmapApi.Path}?role={Uri.EscapeDataString(role)}&port={Uri.EscapeDataString(port)}&scale={scale.ToString(CultureInfo.InvariantCulture)}",
            AgentApiJson.Default.HeatmapSeriesDetail,
            cancellationToken);

    /// <summary>The flood filter's rules, counters and top offenders.</summary>
    public async Task<FloodSnapshot> GetFloodAsync(CancellationToken cancellationToken) =>
        await GetAsync(FloodApi.Path, AgentApiJson.Default.FloodSnapshot, cancellationToken) ?? throw NotFound(FloodApi.Path);

    public void Dispose() => _http.Dispose();

    private static SocketsHttpHandler CreateHandler(TopSettings settings)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = s_timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (settings.CertFile is not null && settings.KeyFile is not null)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(settings.CertFile, settings.KeyFile)];
        }

        if (settings.Insecure)
        {
#pragma warning disable CA5359 // --insecure is the user's explicit, documented opt-out (self-signed test agents).
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (settings.CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(settings.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && ChainsTo(certificate, roots);
        }

        return handler;
    }

    // Trust comes from --ca-file only (a private CA, as with Prometheus' tls_config.ca_file); the host name is still checked.
    private static bool ChainsTo(X509Certificate certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private async Task<T?> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AgentApiException($"no answer from the agent at {_shown} within {s_timeout.TotalSeconds:0} s", ex);
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    try
                    {
                        return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null document");
                    }
                    catch (JsonException ex)
                    {
                        throw new AgentApiException($"{_shown}{path} answered something that is not the NetScope API: {ex.Message}", ex);
                    }

                case HttpStatusCode.NotFound when path.Contains('?', StringComparison.Ordinal):
                    return null;
                case HttpStatusCode.NotFound:
                    throw NotFound(path);
                case HttpStatusCode.Unauthorized:
                    throw new AgentApiException(_hasCredentials
                        ? $"the agent at {_shown} refused the credentials (HTTP 401): check --user and the password"
                        : $"the agent at {_shown} requires basic auth (HTTP 401): pass --user USER and the password in {TopSettings.PasswordVariable} or --password-file FILE");
                default:
                    throw new AgentApiException($"{_shown}{path}: HTTP {(int)response.StatusCode} {ErrorText(body)}");
            }
        }
    }

    private AgentApiException Unreachable(HttpRequestException ex)
    {
        Exception root = ex.GetBaseException();
        string hint = $"start one with 'netscope run' (or 'make run', 'make demo'), or point --agent at it";
        return root switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
                new AgentApiException($"no agent reachable at {_shown}: connection refused; {hint}", ex),
            SocketException socket =>
                new AgentApiException($"no agent reachable at {_shown}: {socket.Message}; {hint}", ex),
            AuthenticationException auth =>
                new AgentApiException($"TLS with the agent at {_shown} failed: {auth.Message}; trust its CA with --ca-file FILE (or skip verification with --insecure)", ex),
            _ when _agent.Scheme == Uri.UriSchemeHttp && ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse =>
                new AgentApiException($"the agent at {_shown} did not answer plain HTTP ({ex.Message}); if it serves TLS, use --agent https://{_agent.Authority}", ex),
            _ => new AgentApiException($"cannot read the agent at {_shown}: {ex.Message}", ex),
        };
    }

    private AgentApiException NotFound(string path) =>
        new($"the agent at {_shown} has no {path}: is it a NetScope agent of this version?");

    private static string ErrorText(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, AgentApiJson.Default.AgentApiError)?.Error ?? body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
