namespace NetScope.Agent.Configuration;

/// <summary>The configuration is invalid; the message lists every problem as source:line:col: text.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public ConfigException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Creates an exception with one message.</summary>
    public ConfigException(string message)
        : this([message])
    {
    }

    /// <summary>Required by the Exception pattern.</summary>
    public ConfigException()
        : this("invalid configuration")
    {
    }

    /// <summary>Required by the Exception pattern.</summary>
    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Each problem, already prefixed with its position.</summary>
    public IReadOnlyList<string> Errors { get; }
}
