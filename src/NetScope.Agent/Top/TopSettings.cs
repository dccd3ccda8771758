using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NetScope.Agent.Hosting;

namespace NetScope.Agent.Top;

/// <summary>Validated settings of `netscope top`.</summary>
/// <param name="Agent">Base URI of the agent's HTTP endpoint.</param>
/// <param name="User">Basic-auth user, or null.</param>
/// <param name="Password">Basic-auth password (from --password-file or NETSCOPE_AGENT_PASSWORD), or null.</param>
/// <param name="CaFile">PEM CA certificates trusted for the agent's TLS certificate (instead of the system store), or null.</param>
/// <param name="CertFile">PEM client certificate for mTLS, or null.</param>
/// <param name="KeyFile">PEM key of <paramref name="CertFile"/>, or null.</param>
/// <param name="Insecure">Skip TLS certificate verification.</param>
/// <param name="Interval">Time between redraws.</param>
/// <param name="Once">Print one frame and exit.</param>
/// <param name="Plain">Force plain text (no colour, ASCII only).</param>
internal sealed record TopSettings(
    Uri Agent,
    string? User,
    string? Password,
    string? CaFile,
    string? CertFile,
    string? KeyFile,
    bool Insecure,
    TimeSpan Interval,
    bool Once,
    bool Plain)
{
    /// <summary>Environment variable holding the basic-auth password (a flag would show it in `ps`).</summary>
    public const string PasswordVariable = "NETSCOPE_AGENT_PASSWORD";

    /// <summary>Validates the verb; <paramref name="environment"/> reads variables (tests pass their own).</summary>
    public static bool TryCreate(TopVerb verb, Func<string, string?> environment, [NotNullWhen(true)] out TopSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        if (!AgentEndpoint.TryParse(verb.Agent, out Uri? agent, out error))
        {
            return false;
        }

        if (!double.TryParse(verb.Interval, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0.1 || seconds > 3600)
        {
            error = $"--interval '{verb.Interval}': expected seconds between 0.1 and 3600, e.g. 1 or 0.5";
            return false;
        }

        if ((verb.CertFile is null) != (verb.KeyFile is null))
        {
            error = "--cert-file and --key-file go together (the client certificate for an agent that requires mTLS)";
            return false;
        }

        bool tlsOptions = verb.CaFile is not null || verb.CertFile is not null || verb.Insecure;
        if (tlsOptions && agent.Scheme != Uri.UriSchemeHttps)
        {
            error = $"--ca-file, --cert-file and --insecure apply to TLS: use --agent https://{agent.Authority}";
            return false;
        }

        string? password = environment(PasswordVariable);
        if (verb.PasswordFile is not null)
        {
            try
            {
                password = File.ReadAllText(verb.PasswordFile).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"--password-file '{verb.PasswordFile}': {ex.Message}";
                return false;
            }
        }

        if (verb.User is null && password is not null && verb.PasswordFile is not null)
        {
            error = "--password-file needs --user";
            return false;
        }

        if (verb.User is not null && password is null)
        {
            error = $"--user {verb.User}: give the password in {PasswordVariable} or with --password-file FILE";
            return false;
        }

        settings = new TopSettings(agent, verb.User, verb.User is null ? null : password, verb.CaFile, verb.CertFile, verb.KeyFile, verb.Insecure, TimeSpan.FromSeconds(seconds), verb.Once, verb.Plain);
        return true;
    }
}
