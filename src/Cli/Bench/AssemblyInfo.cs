using System.Runtime.CompilerServices;

// The campaigns' building blocks (route discovery, leak rules, timings) are tested directly as well as end to end.
[assembly: InternalsVisibleTo("ReformMetrics.Cli.Tests")]
