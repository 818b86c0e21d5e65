#pragma once

#include "history/historyrecorder.h"

#include <memory>

namespace blupow::cli {

// `--history FILE` of monitor and bridge: checks the file now (a foreign or newer file is
// refused before any polling, exit 3; one that cannot be created, exit 1) and returns the
// recorder writing to it, or nothing with the error printed and `exitCode` set. A write that
// fails later is reported once on stderr and ends the command with exit 1.
[[nodiscard]] std::unique_ptr<HistoryRecorder> startHistory(const QString &path,
                                                            const QString &command, int *exitCode);

} // namespace blupow::cli
