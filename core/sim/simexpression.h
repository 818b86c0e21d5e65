#pragma once

#include "scenario.h"

#include <QHash>
#include <QString>

#include <memory>
#include <optional>

namespace blupow {

// A scenario value as a formula of simulated time, written in the scenario file
// (resources/sim/scenarios.json) rather than in C++: "round(124.9 + wobble(0.3, 31), 1)".
//
// Numbers, + - * /, unary minus, parentheses, comparisons (< <= > >=, giving 1 or 0) and
// `cond ? a : b`. Names: t (simulated seconds since start), tod (time of day, s), pi, and the
// scenario's own `let` names. Functions: sin, cos, floor, min(a, b), max(a, b),
// clamp(x, lo, hi), round(x) and round(x, decimals), wobble(amplitude, period_s[, phase]) (a slow
// sine of t), sun() (fraction of peak sun, a half sine from 06:00 to 18:00), sun_energy(peak_w)
// (Wh of that curve since sunrise today: a daily counter) and sun_energy_total(peak_w) (Wh of it
// since the start, rising through every midnight: a lifetime counter).
class SimExpression {
public:
    struct Node;
    using Lets = QHash<QString, std::shared_ptr<const Node>>;

    // Nothing on a syntax error or an unknown name, with one line in `error`.
    static std::optional<SimExpression> parse(const QString &text, const Lets &lets,
                                              QString *error);

    [[nodiscard]] double evaluate(const SimTime &time) const;
    [[nodiscard]] std::shared_ptr<const Node> root() const { return m_root; }

private:
    std::shared_ptr<const Node> m_root;
};

} // namespace blupow
