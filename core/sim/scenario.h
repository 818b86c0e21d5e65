#pragma once

#include "registers/family.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QVariant>

#include <functional>
#include <vector>

namespace blupow {

// Where a scenario is in simulated time: seconds since the simulator started (scaled by the time
// acceleration) and the time of day those seconds fall on, so a PV curve follows the sun.
struct SimTime {
    double elapsedS = 0;        // simulated seconds since start
    double timeOfDayS = 0;      // 0..86400
    double startTimeOfDayS = 0; // the time of day at the start: lifetime counters span midnights
};

// One simulated device: what it is called, where it answers, its per-family quirks
// (docs/protocol.md 5.3, 6.2, 6.4) and the cooked value of every register-map key as a function of
// simulated time. Values are cooked (14.4 V, "RIV1230RCH-SPS"); the simulator encodes them with the
// same register map the session decodes with, so a scenario never holds a byte offset. Keys a
// scenario does not mention read as zero words (a reserved or idle register).
class Scenario {
public:
    using ValueFunction = std::function<QVariant(const SimTime &)>;

    QString id; // the --simulate MODEL name (resources/sim/scenarios.json)
    Family family = Family::Inverter;
    QString variant;        // register-map variant; empty = the family's common one
    QString model;          // what the model registers read
    QString advertisedName; // what a scan shows
    quint8 slave = 0x01;    // the device's own Modbus address
    // Reply address for a request to 0xFF: true = 0xFF echoed (seen from a REGO inverter,
    // [bp:next]); false = its own address (a legacy battery answered 0x30, [gb:cap]).
    bool echoBroadcastAddress = false;
    // Whether 0xFF is answered at all: one user's controller behind a BT-2 ignored it
    // (docs/protocol.md 1, [cy:#52]); the identification must then find the own address.
    bool answersBroadcast = true;
    // Reads that cross one of these ranges get no answer at all (REGO/RIV: 4000 x32 spans
    // 4010-4059, [rb:git-125], [ha:#167]).
    QList<QPair<int, int>> silentSpans;
    // Reads starting at one of these registers get no answer (G6 DC-DC at 0x0120, [rb:git-147]).
    QList<int> silentStarts;
    // Unmapped registers up to this many between two mapped ones read as 0 (reserved words inside
    // an implemented range); further away they raise exception 0x02 like a real device.
    int reservedGap = 16;
    double startTimeOfDayS = 10.5 * 3600; // demo starts in the late morning: PV is producing
    // A system: several devices behind one dongle (one BT-2 UART, an RS485 bus), each answering
    // only its own slave id (docs/session.md, "Several slaves on one link"). Empty for one device.
    std::vector<Scenario> members;
    [[nodiscard]] bool isSystem() const { return !members.empty(); }
    // Alarm conditions of the register map (docs/alarms.md) that the device raises for a while:
    // active while (simulated seconds since start) mod everyS lies in [fromS, untilS), so a run
    // sees them raised and cleared again. everyS 0 = once.
    struct AlarmWindow {
        QString field;     // the alarm word's key
        QString condition; // the condition's key in that word
        double fromS = 0;
        double untilS = 0;
        double everyS = 0;
        [[nodiscard]] bool activeAt(double elapsedS) const;
    };
    QList<AlarmWindow> alarms;

    // The device's own logs (docs/logs.md): per log key and column key, the cooked value of each
    // row (index 0 = the log's first row). A row or column not given reads as zero words.
    QHash<QString, QHash<QString, QVariantList>> logs;
    [[nodiscard]] QVariant logValue(const QString &log, const QString &column, int row) const;

    void set(const QString &key, const ValueFunction &function) { m_values.insert(key, function); }
    void setConstant(const QString &key, const QVariant &value);
    // Forgets a value `extends` brought that this device's map has no field for (the G6 lacks
    // 0x0122-0x0126).
    void unset(const QString &key) { m_values.remove(key); }
    [[nodiscard]] bool has(const QString &key) const { return m_values.contains(key); }
    // Invalid QVariant for keys the scenario does not define.
    [[nodiscard]] QVariant value(const QString &key, const SimTime &time) const;
    [[nodiscard]] QStringList keys() const { return m_values.keys(); }

    [[nodiscard]] bool isSilent(int start, int count) const;

private:
    QHash<QString, ValueFunction> m_values;
};

} // namespace blupow
