#include "alarmevaluation.h"

#include "registers/registerdecoder.h"

#include <QHash>

namespace blupow::AlarmEvaluation {

bool hasAlarms(const QList<FieldDef> &fields) {
    return std::any_of(fields.cbegin(), fields.cend(),
                       [](const FieldDef &f) { return !f.alarms.isEmpty(); });
}

QList<WordState> evaluate(const QList<FieldDef> &fields, const DecodedValues &values) {
    QList<WordState> out;
    QHash<QString, qsizetype> at; // alarm word key -> position in out
    for (const FieldDef &f : fields) {
        if (f.alarms.isEmpty())
            continue;
        at.insert(f.key, out.size());
        out.append(WordState{&f, false, {}});
    }
    if (out.isEmpty())
        return out;
    for (const DecodedValue &v : values) {
        const auto it = at.constFind(v.key);
        if (it == at.cend())
            continue;
        WordState &w = out[*it];
        // A stale word is last cycle's; an invalid one (a fault code outside the table) cannot be
        // trusted bit by bit. Either way nothing is known about its conditions now.
        if (v.quality != Quality::Good || v.raw.size() != w.field->words)
            continue;
        w.known = true;
        const auto n = static_cast<quint64>(RegisterDecoder::integerValue(*w.field, v.raw));
        for (int i = 0; i < w.field->alarms.size(); ++i) {
            if (w.field->alarms.at(i).activeIn(n))
                w.active.append(i);
        }
    }
    return out;
}

} // namespace blupow::AlarmEvaluation
