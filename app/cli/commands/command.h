#pragma once

#include <QStringList>

#include <functional>

namespace blupow::cli {

// Exit codes shared by every command (documented in `blupow-cli --help`).
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,     // the operation failed (device, link, broker)
    ExitUsage = 2,       // bad command line
    ExitBadInput = 3,    // input that does not parse (hex, frames, files)
    ExitUnavailable = 4, // no adapter, device not found, broker unreachable
};

struct Command {
    const char *name;
    const char *summary;
    // Receives the arguments after the command name, with argv[0]-style program name first.
    std::function<int(const QStringList &arguments)> run;
};

// Each command lives in its own file and is listed once in main.cpp.
int runDecode(const QStringList &arguments);
int runScan(const QStringList &arguments);
int runRead(const QStringList &arguments);
int runMonitor(const QStringList &arguments);
int runBridge(const QStringList &arguments);
int runWrite(const QStringList &arguments);
int runBackup(const QStringList &arguments);
int runRestore(const QStringList &arguments);
int runDiff(const QStringList &arguments);
int runImport(const QStringList &arguments);
int runHistory(const QStringList &arguments);
int runSupportBundle(const QStringList &arguments);
int runLogs(const QStringList &arguments);

} // namespace blupow::cli
