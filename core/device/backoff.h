#pragma once

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace blupow {

// Reconnect delays: exponential (initial x 2^(n-1), capped) with +-jitter, so that several
// bridges that lost the same device do not reconnect in lockstep. A seed makes it repeatable.
class Backoff {
public:
    Backoff(int initialMs, int maxMs, double jitter, quint32 seed)
        : m_initialMs(initialMs)
        , m_maxMs(maxMs)
        , m_jitter(jitter)
        , m_random(seed ? seed : QRandomGenerator::global()->generate()) {}

    // The delay before the next attempt; attempt() is then its number (1, 2, ...).
    int next() {
        ++m_attempt;
        const double base = std::min(static_cast<double>(m_maxMs),
                                     m_initialMs * std::pow(2.0, std::min(m_attempt - 1, 30)));
        const double jitter = m_jitter * (2.0 * m_random.generateDouble() - 1.0);
        return static_cast<int>(std::lround(std::max(0.0, base * (1.0 + jitter))));
    }
    [[nodiscard]] int attempt() const { return m_attempt; }
    // The link works again: the next loss starts from the initial delay.
    void reset() { m_attempt = 0; }

private:
    int m_initialMs;
    int m_maxMs;
    double m_jitter;
    QRandomGenerator m_random;
    int m_attempt = 0;
};

} // namespace blupow
