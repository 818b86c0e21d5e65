#include "simexpression.h"

#include <QtMath>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace blupow {

namespace {

constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr double kSunrise = 6 * kHour;
constexpr double kDaylight = 12 * kHour;

double sun(double timeOfDayS) {
    const double x = (timeOfDayS - kSunrise) / kDaylight;
    return (x <= 0 || x >= 1) ? 0.0 : std::sin(M_PI * x);
}

// Energy of the half-sine day curve from sunrise to `timeOfDayS`, in Wh for a peak of `peakW`.
double sunEnergyWh(double timeOfDayS, double peakW) {
    const double x = std::clamp((timeOfDayS - kSunrise) / kDaylight, 0.0, 1.0);
    return peakW * kDaylight / M_PI * (1 - std::cos(M_PI * x)) / kHour;
}

enum class Op {
    Number,
    Elapsed,
    TimeOfDay,
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Choose,
    Sin,
    Cos,
    Floor,
    Min,
    Max,
    Clamp,
    Round,
    Wobble,
    Sun,
    SunEnergy,
    SunEnergyTotal,
};

struct Function {
    const char *name;
    Op op;
    int minArgs;
    int maxArgs;
};
constexpr std::array kFunctions{
    Function{"sin", Op::Sin, 1, 1},
    Function{"cos", Op::Cos, 1, 1},
    Function{"floor", Op::Floor, 1, 1},
    Function{"min", Op::Min, 2, 2},
    Function{"max", Op::Max, 2, 2},
    Function{"clamp", Op::Clamp, 3, 3},
    Function{"round", Op::Round, 1, 2},
    Function{"wobble", Op::Wobble, 2, 3},
    Function{"sun", Op::Sun, 0, 0},
    Function{"sun_energy", Op::SunEnergy, 1, 1},
    Function{"sun_energy_total", Op::SunEnergyTotal, 1, 1},
};

} // namespace

struct SimExpression::Node {
    Op op = Op::Number;
    double number = 0;
    std::vector<std::shared_ptr<const Node>> args;

    [[nodiscard]] double arg(size_t i, const SimTime &t) const { return args[i]->eval(t); }

    [[nodiscard]] double eval(const SimTime &t) const {
        switch (op) {
        case Op::Number:
            return number;
        case Op::Elapsed:
            return t.elapsedS;
        case Op::TimeOfDay:
            return t.timeOfDayS;
        case Op::Add:
            return arg(0, t) + arg(1, t);
        case Op::Sub:
            return arg(0, t) - arg(1, t);
        case Op::Mul:
            return arg(0, t) * arg(1, t);
        case Op::Div:
            return arg(0, t) / arg(1, t);
        case Op::Neg:
            return -arg(0, t);
        case Op::Less:
            return arg(0, t) < arg(1, t) ? 1 : 0;
        case Op::LessEqual:
            return arg(0, t) <= arg(1, t) ? 1 : 0;
        case Op::Greater:
            return arg(0, t) > arg(1, t) ? 1 : 0;
        case Op::GreaterEqual:
            return arg(0, t) >= arg(1, t) ? 1 : 0;
        case Op::Choose:
            return arg(0, t) != 0 ? arg(1, t) : arg(2, t);
        case Op::Sin:
            return std::sin(arg(0, t));
        case Op::Cos:
            return std::cos(arg(0, t));
        case Op::Floor:
            return std::floor(arg(0, t));
        case Op::Min:
            return std::min(arg(0, t), arg(1, t));
        case Op::Max:
            return std::max(arg(0, t), arg(1, t));
        case Op::Clamp:
            return std::clamp(arg(0, t), arg(1, t), arg(2, t));
        case Op::Round: {
            if (args.size() == 1)
                return std::round(arg(0, t));
            const double factor = std::pow(10.0, arg(1, t));
            return std::round(arg(0, t) * factor) / factor;
        }
        case Op::Wobble: {
            // A slow, deterministic wobble: no random numbers, so a scenario value is a pure
            // function of time and a test can ask what the device held at any moment.
            const double phase = args.size() > 2 ? arg(2, t) : 0;
            return arg(0, t) * std::sin(2 * M_PI * t.elapsedS / arg(1, t) + phase);
        }
        case Op::Sun:
            return sun(t.timeOfDayS);
        case Op::SunEnergy:
            return sunEnergyWh(t.timeOfDayS, arg(0, t));
        case Op::SunEnergyTotal: {
            // Whole days since the start plus today's curve, less what the first day had
            // produced before the start: rises through every midnight.
            const double peak = arg(0, t);
            const double sinceMidnightBeforeStart = t.startTimeOfDayS + t.elapsedS;
            const double days = std::floor(sinceMidnightBeforeStart / kDay);
            return days * sunEnergyWh(kDay, peak) + sunEnergyWh(t.timeOfDayS, peak) -
                   sunEnergyWh(t.startTimeOfDayS, peak);
        }
        }
        return 0;
    }
};

namespace {

using NodePtr = std::shared_ptr<const SimExpression::Node>;

class ExpressionParser {
public:
    ExpressionParser(const QString &text, const SimExpression::Lets &lets)
        : m_text(text)
        , m_lets(lets) {}

    NodePtr parseAll() {
        NodePtr n = conditional();
        skipSpace();
        if (n && m_pos < m_text.size())
            return fail(QStringLiteral("unexpected '%1'").arg(m_text.at(m_pos)));
        return n;
    }
    QString error() const { return m_error; }

private:
    NodePtr fail(const QString &what) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 at %2 in '%3'").arg(what).arg(m_pos + 1).arg(m_text);
        return nullptr;
    }
    void skipSpace() {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
            ++m_pos;
    }
    bool take(QStringView token) {
        skipSpace();
        if (QStringView(m_text).mid(m_pos).startsWith(token)) {
            m_pos += token.size();
            return true;
        }
        return false;
    }
    static NodePtr make(Op op, std::vector<NodePtr> args, double number = 0) {
        auto n = std::make_shared<SimExpression::Node>();
        n->op = op;
        n->number = number;
        n->args = std::move(args);
        return n;
    }

    NodePtr conditional() {
        NodePtr c = comparison();
        if (!c || !take(u"?"))
            return c;
        NodePtr a = conditional();
        if (!a || !take(u":"))
            return a ? fail(QStringLiteral("missing ':'")) : nullptr;
        NodePtr b = conditional();
        return b ? make(Op::Choose, {c, a, b}) : nullptr;
    }
    NodePtr comparison() {
        NodePtr a = sum();
        if (!a)
            return a;
        // Two-character operators first, so "<=" is not read as "<".
        for (const auto &[token, op] :
             {std::pair{u"<=", Op::LessEqual}, std::pair{u">=", Op::GreaterEqual},
              std::pair{u"<", Op::Less}, std::pair{u">", Op::Greater}}) {
            if (take(token)) {
                NodePtr b = sum();
                return b ? make(op, {a, b}) : nullptr;
            }
        }
        return a;
    }
    // A left-associative chain of two operators over `next` (a + b - c, a * b / c).
    NodePtr chain(NodePtr (ExpressionParser::*next)(), QStringView first, Op firstOp,
                  QStringView second, Op secondOp) {
        NodePtr a = (this->*next)();
        while (a) {
            const Op op = take(first) ? firstOp : take(second) ? secondOp : Op::Number;
            if (op == Op::Number)
                break;
            NodePtr b = (this->*next)();
            a = b ? make(op, {a, b}) : nullptr;
        }
        return a;
    }
    NodePtr sum() { return chain(&ExpressionParser::product, u"+", Op::Add, u"-", Op::Sub); }
    NodePtr product() { return chain(&ExpressionParser::unary, u"*", Op::Mul, u"/", Op::Div); }
    NodePtr unary() {
        if (take(u"-")) {
            NodePtr a = unary();
            return a ? make(Op::Neg, {a}) : nullptr;
        }
        return primary();
    }
    NodePtr primary() {
        skipSpace();
        if (take(u"(")) {
            NodePtr a = conditional();
            if (a && !take(u")"))
                return fail(QStringLiteral("missing ')'"));
            return a;
        }
        const qsizetype start = m_pos;
        if (m_pos < m_text.size() && (m_text.at(m_pos).isDigit() || m_text.at(m_pos) == u'.')) {
            while (m_pos < m_text.size() &&
                   (m_text.at(m_pos).isDigit() || m_text.at(m_pos) == u'.'))
                ++m_pos;
            bool ok = false;
            const double value = QStringView(m_text).mid(start, m_pos - start).toDouble(&ok);
            return ok ? make(Op::Number, {}, value) : fail(QStringLiteral("bad number"));
        }
        while (m_pos < m_text.size() &&
               (m_text.at(m_pos).isLetterOrNumber() || m_text.at(m_pos) == u'_'))
            ++m_pos;
        const QString name = m_text.mid(start, m_pos - start);
        if (name.isEmpty())
            return fail(m_pos < m_text.size()
                            ? QStringLiteral("unexpected '%1'").arg(m_text.at(m_pos))
                            : QStringLiteral("unexpected end"));
        if (take(u"("))
            return call(name, start);
        if (name == u"t")
            return make(Op::Elapsed, {});
        if (name == u"tod")
            return make(Op::TimeOfDay, {});
        if (name == u"pi")
            return make(Op::Number, {}, M_PI);
        const auto let = m_lets.constFind(name);
        if (let != m_lets.constEnd())
            return *let;
        m_pos = start; // the error points at the name
        return fail(QStringLiteral("unknown name '%1'").arg(name));
    }
    NodePtr call(const QString &name, qsizetype start) {
        const auto f = std::find_if(kFunctions.begin(), kFunctions.end(), [&](const Function &fn) {
            return name == QLatin1String(fn.name);
        });
        if (f == kFunctions.end()) {
            m_pos = start;
            return fail(QStringLiteral("unknown function '%1'").arg(name));
        }
        std::vector<NodePtr> args;
        if (!take(u")")) {
            do {
                NodePtr a = conditional();
                if (!a)
                    return nullptr;
                args.push_back(a);
            } while (take(u","));
            if (!take(u")"))
                return fail(QStringLiteral("missing ')'"));
        }
        if (static_cast<int>(args.size()) < f->minArgs ||
            static_cast<int>(args.size()) > f->maxArgs) {
            m_pos = start;
            return fail(QStringLiteral("%1() takes %2 to %3 arguments")
                            .arg(name)
                            .arg(f->minArgs)
                            .arg(f->maxArgs));
        }
        return make(f->op, std::move(args));
    }

    const QString &m_text;
    const SimExpression::Lets &m_lets;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

std::optional<SimExpression> SimExpression::parse(const QString &text, const Lets &lets,
                                                  QString *error) {
    ExpressionParser parser(text, lets);
    NodePtr root = parser.parseAll();
    if (!root) {
        if (error)
            *error = parser.error();
        return std::nullopt;
    }
    SimExpression e;
    e.m_root = std::move(root);
    return e;
}

double SimExpression::evaluate(const SimTime &time) const {
    return m_root->eval(time);
}

} // namespace blupow
