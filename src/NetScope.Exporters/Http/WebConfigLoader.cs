using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using NetScope.Exporters.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetScope.Exporters.Http;

/// <summary>
/// Reads a web config file (docs/web-config.md). It walks YamlDotNet's node tree rather than deserialising,
/// so every problem names file:line:col, and it loads the referenced certificates and key so a bad file
/// fails at start rather than at the first TLS handshake. All problems are reported at once.
/// </summary>
public sealed partial class WebConfigLoader
{
    private readonly YamlNodeReader _reader;
    private readonly string _baseDirectory;

    private WebConfigLoader(string source, string baseDirectory)
    {
        _reader = new YamlNodeReader(source);
        _baseDirectory = baseDirectory;
    }

    /// <summary>Loads <paramref name="path"/>; relative file names inside it are taken from its directory.</summary>
    /// <exception cref="WebConfigException">The file cannot be read or is not valid.</exception>
    public static WebConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException($"{path}: cannot read the web config file: {ex.Message}");
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return Parse(text, path, directory);
    }

    /// <summary>Parses YAML text; <paramref name="source"/> prefixes every message.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="source">Name used in messages, normally the file's path.</param>
    /// <param name="baseDirectory">Directory that relative cert_file/key_file/client_ca_file are resolved against.</param>
    /// <exception cref="WebConfigException">The text or a file it references is not valid.</exception>
    public static WebConfig Parse(string yaml, string source, string baseDirectory)
    {
        var loader = new WebConfigLoader(source, baseDirectory);
        WebConfig config = loader.Read(yaml);
        if (loader._reader.Errors.Count > 0)
        {
            throw new WebConfigException(loader._reader.Errors);
        }

        return config with { Source = source };
    }

    private WebConfig Read(string yaml)
    {
        YamlNode? root = _reader.LoadDocument(yaml);
        if (root is null)
        {
            return new WebConfig();
        }

        var config = new WebConfig();
        _reader.Mapping(root, "the web config", new Dictionary<string, Action<YamlNode>>
        {
            ["tls_server_config"] = node => config = config with { Tls = ReadTls(node) },
            ["basic_auth_users"] = node => config = config with { BasicAuthUsers = ReadUsers(node) },
            ["allow_unauthenticated_health"] = node => config = config with { AllowUnauthenticatedHealth = _reader.Boolean(node, "allow_unauthenticated_health") ?? false },
        });
        return config;
    }

    private WebTlsConfig? ReadTls(YamlNode node)
    {
        const string What = "tls_server_config";
        if (node is not YamlMappingNode)
        {
            // An empty section must not silently mean plain HTTP: whoever wrote it asked for TLS.
            Error(node.Start, $"{What}: expected a mapping with cert_file and key_file");
            return null;
        }

        (YamlNode Node, string Path)? cert = null, key = null, clientCa = null;
        _reader.Mapping(node, What, new Dictionary<string, Action<YamlNode>>
        {
            ["cert_file"] = value => cert = ExistingFile(value, "cert_file"),
            ["key_file"] = value => key = ExistingFile(value, "key_file"),
            ["client_ca_file"] = value => clientCa = ExistingFile(value, "client_ca_file"),
        });

        int errorsBefore = _reader.Errors.Count;
        if (cert is null && !HasKey(node, "cert_file"))
        {
            Error(node.Start, $"{What}: cert_file is required");
        }

        if (key is null && !HasKey(node, "key_file"))
        {
            Error(node.Start, $"{What}: key_file is required");
        }

        if (cert is { } c && key is { } k)
        {
            CheckKeyPair(c.Node, c.Path, k.Path);
        }

        if (clientCa is { } ca)
        {
            CheckClientCa(ca.Node, ca.Path);
        }

        return cert is { } cc && key is { } kk && _reader.Errors.Count == errorsBefore
            ? new WebTlsConfig(cc.Path, kk.Path, clientCa?.Path)
            : null;
    }

    private void CheckKeyPair(YamlNode at, string certPath, string keyPath)
    {
        try
        {
            using X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (!certificate.HasPrivateKey)
            {
                Error(at, $"cert_file: '{certPath}' and key_file '{keyPath}' do not form a certificate with a private key");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            // CreateFromPemFile throws for an unreadable PEM, a missing key block and a key that does not match.
            Error(at, $"cert_file '{certPath}' with key_file '{keyPath}': cannot load the certificate and key: {ex.Message}");
        }
    }

    private void CheckClientCa(YamlNode at, string path)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            int count = certificates.Count;
            foreach (X509Certificate2 certificate in certificates)
            {
                certificate.Dispose();
            }

            if (count == 0)
            {
                Error(at, $"client_ca_file: '{path}' holds no PEM certificate");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            Error(at, $"client_ca_file: '{path}': cannot load the CA certificates: {ex.Message}");
        }
    }

    private Dictionary<string, string> ReadUsers(YamlNode node)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (IsEmpty(node))
        {
            return users;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node.Start, "basic_auth_users: expected a mapping of user names to bcrypt hashes");
            return users;
        }

        foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
        {
            string user = keyNode is YamlScalarNode { Value: { } k } ? k : string.Empty;
            if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
            {
                // Basic auth splits "user:password" at the first colon, so such a user could never log in.
                Error(keyNode.Start, $"basic_auth_users: '{user}' is not a valid user name (must be non-empty, without ':')");
                continue;
            }

            string? hash = value is YamlScalarNode { Value: { Length: > 0 } h } ? h : null;
            if (hash is null || !BcryptHash().IsMatch(hash))
            {
                // The hash itself is not echoed: it is a secret too.
                Error(value.Start, $"basic_auth_users.{user}: not a bcrypt hash ($2y$10$ followed by 53 characters; see docs/web-config.md)");
                continue;
            }

            if (!users.TryAdd(user, hash))
            {
                Error(keyNode.Start, $"basic_auth_users: '{user}' is listed twice");
            }
        }

        return users;
    }

    private (YamlNode Node, string Path)? ExistingFile(YamlNode node, string key)
    {
        if (node is not YamlScalarNode { Value: { Length: > 0 } text })
        {
            Error(node.Start, $"{key}: expected a file path");
            return null;
        }

        string path = Path.GetFullPath(text, _baseDirectory);
        if (!File.Exists(path))
        {
            Error(node.Start, $"{key}: '{path}' does not exist");
            return null;
        }

        return (node, path);
    }

    private static bool HasKey(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.Keys.Any(k => k is YamlScalarNode { Value: { } v } && v == key);

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" };

    private void Error(YamlNode node, string message) => _reader.Error(node.Start, message);

    private void Error(Mark mark, string message) => _reader.Error(mark, message);

    /// <summary>Modular crypt format of bcrypt: versions 2a, 2b, 2x and 2y; cost 04-31; 22 salt + 31 hash characters.</summary>
    [GeneratedRegex(@"^\$2[abxy]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptHash();
}
