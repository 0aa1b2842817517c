namespace CnnGpu.Networks.Features;

/// <summary>The classifiers a <see cref="FewShotHead"/> can fit on image features.</summary>
public enum HeadKind
{
    /// <summary>Each class is the normalised mean of its features; scores are scaled cosines to the means.</summary>
    NearestClassMean,

    /// <summary>Multinomial logistic regression with L2 regularisation, fitted by full-batch accelerated gradient descent.</summary>
    LogisticRegression,
}

/// <summary>The names of <see cref="HeadKind"/> values in head files and on the command line.</summary>
public static class HeadKinds
{
    private static readonly (HeadKind Kind, string Name)[] Names =
    [
        (HeadKind.NearestClassMean, "ncm"),
        (HeadKind.LogisticRegression, "logistic"),
    ];

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>The name of <paramref name="kind"/>: <c>ncm</c> or <c>logistic</c>.</summary>
    /// <param name="kind">A kind.</param>
    public static string Name(HeadKind kind) => Names.First(n => n.Kind == kind).Name;

    /// <summary>The kind named <paramref name="name"/> (case-insensitive), or null.</summary>
    /// <param name="name">A name from <see cref="All"/>.</param>
    public static HeadKind? Parse(string? name) =>
        Names.Where(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)).Select(n => (HeadKind?)n.Kind).FirstOrDefault();
}
