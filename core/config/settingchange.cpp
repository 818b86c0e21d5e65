#include "settingchange.h"

#include "registers/decodedvalue.h"
#include "registers/registerdecoder.h"

namespace blupow {

namespace {

QString rawText(const QList<quint16> &words) {
    DecodedValue v;
    v.raw = words;
    return v.rawHex();
}

} // namespace

QString SettingChange::summary() const {
    const QString before = oldRaw.isEmpty()
                               ? QStringLiteral("(not read)")
                               : QStringLiteral("%1 [%2]").arg(oldText, rawText(oldRaw));
    return QStringLiteral("%1: %2 -> %3 [%4]").arg(name, before, newText, rawText(newRaw));
}

QString SettingChange::plainSummary() const {
    // The load switch's old and new words are different registers (0x0120 and 0x010A): its texts
    // were set when it was planned and read.
    const bool labelled = !isRaw() && !field.enumLabels.isEmpty();
    const QString before =
        oldRaw.isEmpty() ? QStringLiteral("(not read)") : (labelled ? plainText(oldRaw) : oldText);
    return QStringLiteral("%1: %2 -> %3")
        .arg(title.isEmpty() ? name : title, before, labelled ? plainText(newRaw) : newText);
}

QString SettingChange::plainText(const QList<quint16> &words) const {
    if (isRaw() || field.enumLabels.isEmpty())
        return describe(words);
    const QString choice = RegisterDecoder::decodeField(field, words).value.toString();
    const int number = field.enumValues.key(choice, -1);
    return field.enumLabels.value(number, describe(words));
}

double SettingChange::newValue() const {
    return isRaw() ? 0.0 : RegisterDecoder::decodeField(field, newRaw).value.toDouble();
}

QString SettingChange::describe(const QList<quint16> &words) const {
    return isRaw() ? rawText(words) : RegisterDecoder::decodeField(field, words).displayText();
}

bool SettingChange::matches(const QList<quint16> &readBack) const {
    if (readBack.size() != verifyExpected.size())
        return false;
    for (qsizetype i = 0; i < readBack.size(); ++i) {
        const quint16 mask = verifyMask.value(i, 0xFFFF);
        if ((readBack.at(i) & mask) != (verifyExpected.at(i) & mask))
            return false;
    }
    return true;
}

QString settingStatusName(SettingChange::Status status) {
    switch (status) {
    case SettingChange::Status::Planned:
        return QStringLiteral("planned");
    case SettingChange::Status::Unchanged:
        return QStringLiteral("unchanged");
    case SettingChange::Status::Verified:
        return QStringLiteral("verified");
    case SettingChange::Status::Failed:
        return QStringLiteral("failed");
    case SettingChange::Status::NotAttempted:
        return QStringLiteral("not attempted");
    }
    return QStringLiteral("unknown");
}

} // namespace blupow
