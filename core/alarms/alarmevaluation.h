#pragma once

// Which named conditions one cycle's values show, as a pure function: the tracker adds
// since-when on top, the MQTT bridge publishes it as it is (one problem entity per word).

#include "registers/decodedvalue.h"
#include "registers/registermap.h"

#include <QList>

namespace blupow::AlarmEvaluation {

struct WordState {
    const FieldDef *field = nullptr;
    // False when the word was not read in this cycle or was implausible: its conditions are
    // unknown, neither raised nor cleared.
    bool known = false;
    QList<int> active; // indices into field->alarms
};

// Every field of `fields` that has alarm conditions, in the order of `fields`; `fields` must
// outlive the result.
[[nodiscard]] QList<WordState> evaluate(const QList<FieldDef> &fields, const DecodedValues &values);

// True when some field of `fields` has alarm conditions.
[[nodiscard]] bool hasAlarms(const QList<FieldDef> &fields);

} // namespace blupow::AlarmEvaluation
