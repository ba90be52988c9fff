using ReformMetrics.Store.Embedded;

// Base class library and Store only: see EngineLog for why not Microsoft.Extensions.*.
if (!EngineHostArguments.TryParse(args, out var arguments, out var error))
{
    await Console.Error.WriteLineAsync($"Lỗi: {error} Cách dùng: {EngineHostCommand.AssemblyName} {EngineHostArguments.Usage} (do kho dữ liệu tự khởi động).");
    return 2;
}

EngineHost.DetachFromTerminal(StoreLayout.For(arguments.Store));
return new EngineHost(arguments, new EngineLog(Console.Out)).Run();
