namespace NetScope.Exporters.Http;

/// <summary>A web config file that cannot be used; <see cref="Errors"/> lists every problem as "file:line:col: message".</summary>
public sealed class WebConfigException : Exception
{
    /// <summary>Creates the exception from one or more messages.</summary>
    public WebConfigException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    /// <summary>Creates the exception from one message.</summary>
    public WebConfigException(string message)
        : this([message])
    {
    }

    /// <summary>Creates an empty-handed exception (required by CA1032).</summary>
    public WebConfigException()
        : this("invalid web config")
    {
    }

    /// <summary>Wraps another exception (required by CA1032).</summary>
    public WebConfigException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    /// <summary>Each problem, positioned where possible.</summary>
    public IReadOnlyList<string> Errors { get; }
}
