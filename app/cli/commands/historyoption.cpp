#include "historyoption.h"

#include "command.h"
#include "deviceoptions.h"
#include "history/historystore.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace blupow::cli {

std::unique_ptr<HistoryRecorder> startHistory(const QString &path, const QString &command,
                                              int *exitCode) {
    {
        HistoryStore probe;
        QString error;
        if (!probe.open(path, HistoryStore::Mode::ReadWrite, &error)) {
            // A file that is there but not ours is bad input; one we cannot make, a failure.
            const bool foreign = QFileInfo(path).size() > 0;
            *exitCode = printError(command, error, foreign ? ExitBadInput : ExitFailure);
            return nullptr;
        }
    }
    auto recorder = std::make_unique<HistoryRecorder>();
    QObject::connect(recorder.get(), &HistoryRecorder::failed, recorder.get(),
                     [command](const QString &error) {
                         printError(command, error, ExitFailure);
                         QCoreApplication::exit(ExitFailure);
                     });
    recorder->start(path);
    return recorder;
}

} // namespace blupow::cli
