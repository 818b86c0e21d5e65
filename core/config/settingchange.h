#pragma once

#include "modbus/modbusframe.h"
#include "registers/registermap.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace blupow {

// One setting a person asked to change: a field by key or by its first register, and the new
// value either cooked (14.4, "gel", 0x0E) or as exact register words (a restore).
struct SettingTarget {
    QString key;
    int reg = -1;   // used when `key` is empty
    QVariant value; // cooked units or an enum name
    std::optional<QList<quint16>> raw;
};

// One validated write: what is sent, what it should change, and how the change is verified. Built
// only by SettingsWriter::plan(); holding one means the policy and the map allowed it.
struct SettingChange {
    enum class Status { Planned, Unchanged, Verified, Failed, NotAttempted };

    // The map's field (for the load command: the 0x0120 load state); a default FieldDef (no key)
    // for an expert-mode raw write, which is shown and verified as words only.
    FieldDef field;
    QString name;  // "float_voltage (0xE009)", "load output (0x010A)"
    QString title; // in plain words: "Float voltage", "Load output"
    modbus::Request request;
    QByteArray frame; // the exact Modbus RTU bytes that will be sent
    QList<quint16> newRaw;
    QString newText; // "14.4 V", "gel"
    // What the device holds now (read before the preview).
    QList<quint16> oldRaw;
    QString oldText;
    // The read-back: registers, the bits of them that must match, and their expected value.
    quint16 verifyStart = 0;
    QList<quint16> verifyMask;
    QList<quint16> verifyExpected;

    Status status = Status::Planned;
    QString result; // the device's answer when not Verified, the read-back when different

    // "float_voltage (0xE009): 13.8 V [0x008A] -> 14.0 V [0x008C]"
    [[nodiscard]] QString summary() const;
    // "Float voltage: 13.8 V -> 14.0 V": what a person checks before saying yes.
    [[nodiscard]] QString plainSummary() const;
    // `words` in plain words: an enum value by its label ("Lithium iron phosphate, 14 cells"),
    // anything else as describe() does.
    [[nodiscard]] QString plainText(const QList<quint16> &words) const;
    // The new value in the field's units (for numbers).
    [[nodiscard]] double newValue() const;
    // `words` as a person reads them: the field's cooked text, or the words in hex for a raw write.
    [[nodiscard]] QString describe(const QList<quint16> &words) const;
    [[nodiscard]] bool isRaw() const { return field.key.isEmpty(); }
    // True when what was read back matches what was written (masked).
    [[nodiscard]] bool matches(const QList<quint16> &readBack) const;
};

[[nodiscard]] QString settingStatusName(SettingChange::Status status);

} // namespace blupow
