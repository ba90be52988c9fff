using ReformMetrics.Cli;

return await ReformCommand.RunAsync(args);
