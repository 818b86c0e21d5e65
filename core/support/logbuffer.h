#pragma once

#include <QMutex>
#include <QStringList>

#include <deque>

namespace blupow {

// The last lines the program logged, for a support bundle. Qt's message handler is process-wide
// by design (qInstallMessageHandler), so the composition root (main.cpp) owns the one buffer and
// installs it; the previous handler still prints every message as before.
class LogBuffer {
public:
    static constexpr int kDefaultLines = 2000;
    explicit LogBuffer(int capacity = kDefaultLines);
    ~LogBuffer(); // uninstalls itself

    void install();
    void append(const QString &line);
    [[nodiscard]] QStringList lines() const;

private:
    mutable QMutex m_mutex; // Qt may log from any thread
    std::deque<QString> m_lines;
    int m_capacity;
    bool m_installed = false;
};

} // namespace blupow
