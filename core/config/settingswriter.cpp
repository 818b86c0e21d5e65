#include "settingswriter.h"

#include "config/settingrules.h"
#include "config/writepolicy.h"
#include "device/devicesession.h"
#include "logging.h"
#include "registers/registerdecoder.h"

#include <QSet>

#include <algorithm>
#include <array>
#include <cmath>

namespace blupow {

namespace {

// Both spellings: the controller documents number registers in hex, the inverter's in decimal.
QString regHex(int reg) {
    return QStringLiteral("0x%1 = %2")
        .arg(QString::number(reg, 16).toUpper().rightJustified(4, QLatin1Char('0')))
        .arg(reg);
}

QString fieldName(const FieldDef &f) {
    return QStringLiteral("%1 (%2)").arg(f.key, regHex(f.reg));
}

QStringList writableKeys(const RegisterMap &map) {
    QStringList keys;
    for (const FieldDef &f : map.fields()) {
        if (f.writable && !WritePolicy::forbiddenReason(map.family(), f.reg))
            keys.append(f.key);
    }
    return keys;
}

// Numbers must land on the field's step (from its minimum) and on the register's resolution
// (the scale): 14.45 V on a x0.1 register would be silently rounded otherwise.
std::optional<QString> checkStep(const FieldDef &f, double x) {
    const auto offGrid = [](double value, double grid) {
        const double k = value / grid;
        return std::abs(k - std::round(k)) > 1e-6;
    };
    if (f.step > 0 && offGrid(x - f.min.value_or(0.0), f.step))
        return QStringLiteral("%1 is not a multiple of the step %2%3")
            .arg(x)
            .arg(f.step)
            .arg(f.min ? QStringLiteral(" from %1").arg(*f.min) : QString());
    if (f.scale > 0 && offGrid(x, f.scale))
        return QStringLiteral("%1 is finer than the register's resolution %2").arg(x).arg(f.scale);
    return std::nullopt;
}

QString rangeText(const FieldDef &f) {
    if (!f.enumValues.isEmpty()) {
        QStringList names;
        names.reserve(f.enumValues.size());
        for (const QString &name : f.enumValues)
            names.append(name);
        return names.join(QLatin1String(", "));
    }
    QString text = QStringLiteral("%1 to %2").arg(f.min.value_or(0)).arg(f.max.value_or(0));
    if (!f.unit.isEmpty())
        text += QLatin1Char(' ') + f.unit;
    return text;
}

} // namespace

QString settingsWriterStateName(SettingsWriter::State state) {
    switch (state) {
    case SettingsWriter::State::Idle:
        return QStringLiteral("idle");
    case SettingsWriter::State::ReadingCurrent:
        return QStringLiteral("reading current values");
    case SettingsWriter::State::AwaitingConfirmation:
        return QStringLiteral("awaiting confirmation");
    case SettingsWriter::State::Writing:
        return QStringLiteral("writing");
    case SettingsWriter::State::Verifying:
        return QStringLiteral("verifying");
    case SettingsWriter::State::Succeeded:
        return QStringLiteral("succeeded");
    case SettingsWriter::State::Failed:
        return QStringLiteral("failed");
    case SettingsWriter::State::Cancelled:
        return QStringLiteral("cancelled");
    case SettingsWriter::State::Refused:
        return QStringLiteral("refused");
    }
    return QStringLiteral("unknown");
}

SettingsWriter::SettingsWriter(DeviceSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session) {
    m_stepTimer.setSingleShot(true);
    connect(&m_stepTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("%1: no answer within %2 ms (link lost?)")
                 .arg(m_changes.value(m_index).name)
                 .arg(m_stepTimer.interval()));
    });
    connect(session, &DeviceSession::exchangeFinished, this, &SettingsWriter::onExchange);
}

SettingsWriter::~SettingsWriter() = default;

std::optional<SettingChange> SettingsWriter::plan(const RegisterMap &map, quint8 slave,
                                                  const SettingTarget &target, QString *error) {
    const auto refuse = [error](const QString &why) -> std::optional<SettingChange> {
        *error = why;
        return std::nullopt;
    };
    const QString family = familyName(map.family());
    if (target.key.isEmpty() && target.reg >= 0) {
        if (const auto why = WritePolicy::forbiddenReason(map.family(), target.reg))
            return refuse(
                QStringLiteral("register %1 is never written: %2").arg(regHex(target.reg), *why));
    }
    const FieldDef *field = nullptr;
    if (!target.key.isEmpty()) {
        field = map.field(target.key);
        if (!field)
            return refuse(
                QStringLiteral("unknown setting '%1' for a %2 (writable: %3)")
                    .arg(target.key, family, writableKeys(map).join(QLatin1String(", "))));
    } else {
        const auto at = map.fieldsAt(target.reg);
        if (at.isEmpty())
            return refuse(
                QStringLiteral("register %1 is not in the %2 map").arg(regHex(target.reg), family));
        for (const FieldDef *f : at) {
            if (f->writable || !field)
                field = f;
        }
        if (field->reg != target.reg)
            return refuse(QStringLiteral("register %1 is inside %2, which starts at %3")
                              .arg(regHex(target.reg), field->key, regHex(field->reg)));
    }
    for (int reg = field->reg; reg <= field->lastReg(); ++reg) {
        if (const auto why = WritePolicy::forbiddenReason(map.family(), reg))
            return refuse(QStringLiteral("%1 is never written: %2").arg(fieldName(*field), *why));
    }
    if (!field->writable)
        return refuse(QStringLiteral("%1 is read-only").arg(fieldName(*field)));
    if (field->isDerived() || field->mask != 0 || field->type == FieldType::U8Hi ||
        field->type == FieldType::U8Lo || map.fieldsAt(field->reg).size() > 1)
        return refuse(QStringLiteral("%1 shares its register with other values; BluPow writes "
                                     "whole registers only")
                          .arg(fieldName(*field)));

    QVariant cooked = target.value;
    if (target.raw) {
        if (target.raw->size() != field->words)
            return refuse(QStringLiteral("%1 takes %2 register(s), got %3")
                              .arg(fieldName(*field))
                              .arg(field->words)
                              .arg(target.raw->size()));
        cooked = RegisterDecoder::decodeField(*field, *target.raw).value;
    }
    if (!cooked.isValid() || cooked.toString().trimmed().isEmpty())
        return refuse(QStringLiteral("%1: no value given").arg(fieldName(*field)));
    const bool isEnum = field->type == FieldType::Enum;
    if (!isEnum && field->type != FieldType::Ascii) {
        bool ok = false;
        const double x = cooked.toDouble(&ok);
        if (!ok || !std::isfinite(x))
            return refuse(QStringLiteral("%1: '%2' is not a number")
                              .arg(fieldName(*field), cooked.toString()));
        if ((field->min && x < *field->min - 1e-9) || (field->max && x > *field->max + 1e-9))
            return refuse(QStringLiteral("%1: %2 is out of range (%3)")
                              .arg(fieldName(*field))
                              .arg(x)
                              .arg(rangeText(*field)));
        if (const auto why = checkStep(*field, x))
            return refuse(QStringLiteral("%1: %2").arg(fieldName(*field), *why));
        cooked = x;
    }
    QString why;
    const auto words = RegisterDecoder::encodeField(*field, cooked, &why);
    if (!words) {
        if (isEnum)
            return refuse(QStringLiteral("%1: '%2' is not one of: %3")
                              .arg(fieldName(*field), cooked.toString(), rangeText(*field)));
        return refuse(why);
    }
    if (target.raw && *words != *target.raw)
        return refuse(QStringLiteral("%1: the raw value does not survive decoding and encoding")
                          .arg(fieldName(*field)));

    SettingChange c;
    c.field = *field;
    c.name = fieldName(*field);
    c.title = field->label;
    const auto reg = static_cast<quint16>(field->reg);
    // One register: 0x06, the function every reference uses (docs/protocol.md 8.1); the inverter
    // takes one register per write (6.4.5). Multi-register fields need 0x10 (5.5).
    c.request = words->size() == 1 ? modbus::Request::writeSingle(slave, reg, words->first())
                                   : modbus::Request::writeMultiple(slave, reg, *words);
    c.frame = modbus::buildRequest(c.request);
    c.newRaw = *words;
    c.newText = RegisterDecoder::decodeField(*field, *words).displayText();
    c.verifyStart = reg;
    c.verifyMask = QList<quint16>(words->size(), 0xFFFF);
    c.verifyExpected = *words;
    return c;
}

std::optional<SettingChange> SettingsWriter::planLoadSwitch(const RegisterMap &map, quint8 slave,
                                                            bool on, QString *error) {
    const FieldDef *state = map.field(QStringLiteral("load_state"));
    if (map.family() != Family::Controller || !state ||
        state->reg != WritePolicy::kControllerLoadState) {
        *error = QStringLiteral("the load switch exists on charge controllers only (0x010A)");
        return std::nullopt;
    }
    SettingChange c;
    c.field = *state;
    c.name = QStringLiteral("load output (%1)").arg(regHex(WritePolicy::kControllerLoadCommand));
    c.title = QStringLiteral("Load output");
    c.request =
        modbus::Request::writeSingle(slave, WritePolicy::kControllerLoadCommand, on ? 1 : 0);
    c.frame = modbus::buildRequest(c.request);
    c.newRaw = {static_cast<quint16>(on ? 1 : 0)};
    c.newText = on ? QStringLiteral("on") : QStringLiteral("off");
    // 0x010A is write-only; the state is bit 7 of the high byte of 0x0120 (docs/protocol.md 8.3).
    c.verifyStart = WritePolicy::kControllerLoadState;
    c.verifyMask = {WritePolicy::kControllerLoadStateMask};
    c.verifyExpected = {static_cast<quint16>(on ? WritePolicy::kControllerLoadStateMask : 0)};
    return c;
}

std::optional<QList<SettingChange>> SettingsWriter::planClock(const RegisterMap &map, quint8 slave,
                                                              const QDateTime &local,
                                                              QString *error) {
    struct Half {
        const char *key;
        int value;
    };
    struct Word {
        Half hi;
        Half lo;
        const char *what;
        quint16 mask;
    };
    const QDate d = local.date();
    const QTime t = local.time();
    const std::array<Word, 3> words{{
        {{"clock_year", d.year() - 2000}, {"clock_month", d.month()}, "date", 0xFFFF},
        {{"clock_day", d.day()}, {"clock_hour", t.hour()}, "day and hour", 0xFFFF},
        {{"clock_minute", t.minute()}, {"clock_second", t.second()}, "minute and second", 0xFF00},
    }};
    QList<SettingChange> changes;
    for (const Word &w : words) {
        const FieldDef *hi = map.field(QString::fromLatin1(w.hi.key));
        const FieldDef *lo = map.field(QString::fromLatin1(w.lo.key));
        if (map.family() != Family::Inverter || !hi || !lo || hi->reg != lo->reg) {
            *error = QStringLiteral("setting the clock exists on inverters only (4402-4404)");
            return std::nullopt;
        }
        for (const auto &[f, half] : {std::pair{hi, w.hi}, std::pair{lo, w.lo}}) {
            if (!f->writable) {
                *error = QStringLiteral("%1 is read-only").arg(fieldName(*f));
                return std::nullopt;
            }
            if ((f->min && half.value < *f->min) || (f->max && half.value > *f->max)) {
                *error = QStringLiteral("%1: %2 is out of range (%3): is this computer's clock "
                                        "right?")
                             .arg(fieldName(*f))
                             .arg(half.value)
                             .arg(rangeText(*f));
                return std::nullopt;
            }
        }
        const auto reg = static_cast<quint16>(hi->reg);
        const auto word = static_cast<quint16>((w.hi.value << 8) | w.lo.value);
        SettingChange c;
        c.name = QStringLiteral("clock %1 (%2)").arg(QLatin1String(w.what), regHex(reg));
        c.request = modbus::Request::writeSingle(slave, reg, word);
        c.frame = modbus::buildRequest(c.request);
        c.newRaw = {word};
        c.newText = QStringLiteral("%1 %2, %3 %4")
                        .arg(hi->label)
                        .arg(w.hi.value)
                        .arg(lo->label)
                        .arg(w.lo.value);
        c.verifyStart = reg;
        c.verifyMask = {w.mask};
        c.verifyExpected = {word};
        changes.append(c);
    }
    return changes;
}

std::optional<SettingChange> SettingsWriter::planRaw(const RegisterMap &map, quint8 slave,
                                                     quint16 start, const QList<quint16> &words,
                                                     QString *error) {
    const auto refuse = [error](const QString &why) -> std::optional<SettingChange> {
        *error = why;
        return std::nullopt;
    };
    if (words.isEmpty())
        return refuse(QStringLiteral("no value given"));
    if (words.size() > modbus::kMaxWriteCount)
        return refuse(QStringLiteral("at most %1 registers per write, got %2")
                          .arg(modbus::kMaxWriteCount)
                          .arg(words.size()));
    const int last = int(start) + int(words.size()) - 1;
    if (last > 0xFFFF)
        return refuse(QStringLiteral("the range runs past register 0xFFFF"));
    for (int reg = start; reg <= last; ++reg) {
        if (const auto why = WritePolicy::forbiddenReason(map.family(), reg))
            return refuse(
                QStringLiteral("register %1 is never written: %2").arg(regHex(reg), *why));
    }
    if (map.family() == Family::Inverter && words.size() > 1)
        return refuse(QStringLiteral("the inverter takes one register per write"));

    SettingChange c;
    QStringList fields;
    for (int reg = start; reg <= last; ++reg) {
        for (const FieldDef *f : map.fieldsAt(reg)) {
            if (!fields.contains(f->key))
                fields.append(f->key);
        }
    }
    const QString registers =
        words.size() == 1 ? QStringLiteral("register %1").arg(regHex(start))
                          : QStringLiteral("registers %1..%2").arg(regHex(start), regHex(last));
    const QString inMap = fields.isEmpty() ? QStringLiteral(", not in the map")
                                           : QStringLiteral(" (%1)").arg(fields.join(u", "));
    c.name = QStringLiteral("raw %1%2").arg(registers, inMap);
    c.request = words.size() == 1 ? modbus::Request::writeSingle(slave, start, words.first())
                                  : modbus::Request::writeMultiple(slave, start, words);
    c.frame = modbus::buildRequest(c.request);
    c.newRaw = words;
    c.newText = c.describe(words);
    c.verifyStart = start;
    c.verifyMask = QList<quint16>(words.size(), 0xFFFF);
    c.verifyExpected = words;
    return c;
}

bool SettingsWriter::canPrepare(QString *error) const {
    if (m_state == State::ReadingCurrent || m_state == State::AwaitingConfirmation ||
        m_state == State::Writing || m_state == State::Verifying) {
        *error = QStringLiteral("a write is already in progress");
        return false;
    }
    if (!m_session || !m_session->map() || !m_session->identity()) {
        *error = QStringLiteral("the device has not been identified yet");
        return false;
    }
    return true;
}

bool SettingsWriter::prepare(const QList<SettingTarget> &targets, const Options &options,
                             QString *error) {
    if (!canPrepare(error))
        return false;
    if (targets.isEmpty()) {
        *error = QStringLiteral("nothing to write");
        return false;
    }
    QList<SettingChange> changes;
    SettingRules::Values values;
    QSet<QString> keys;
    for (const SettingTarget &t : targets) {
        const auto c = plan(*m_session->map(), m_session->identity()->slave, t, error);
        if (!c)
            return false;
        if (c->field.type != FieldType::Enum)
            values.insert(c->field.key, c->newValue());
        keys.insert(c->field.key);
        changes.append(*c);
    }
    // Set-points given together are checked among themselves before anything is read.
    if (const QStringList broken = SettingRules::violations(*m_session->map(), values, keys);
        !broken.isEmpty()) {
        *error = broken.join(QLatin1String("; "));
        return false;
    }
    return begin(std::move(changes), options);
}

bool SettingsWriter::prepareLoadSwitch(bool on, QString *error) {
    if (!canPrepare(error))
        return false;
    const auto c = planLoadSwitch(*m_session->map(), m_session->identity()->slave, on, error);
    return c && begin({*c}, Options{});
}

bool SettingsWriter::prepareClock(const QDateTime &local, QString *error) {
    if (!canPrepare(error))
        return false;
    auto changes = planClock(*m_session->map(), m_session->identity()->slave, local, error);
    return changes && begin(std::move(*changes), Options{});
}

bool SettingsWriter::prepareRaw(quint16 start, const QList<quint16> &words, QString *error) {
    if (!canPrepare(error))
        return false;
    const auto c = planRaw(*m_session->map(), m_session->identity()->slave, start, words, error);
    return c && begin({*c}, Options{});
}

bool SettingsWriter::begin(QList<SettingChange> changes, const Options &options) {
    m_options = options;
    m_changes = std::move(changes);
    m_index = 0;
    m_error.clear();
    m_readingContext = false;
    m_contextRead = false;
    m_deviceValues.clear();
    m_stepTimer.setInterval(options.stepTimeoutMs);
    setState(State::ReadingCurrent);
    readNextCurrent();
    return true;
}

void SettingsWriter::setState(State next) {
    if (m_state == next)
        return;
    qCDebug(lcConfig).noquote() << settingsWriterStateName(m_state) << "->"
                                << settingsWriterStateName(next);
    m_state = next;
    Q_EMIT stateChanged(next);
}

void SettingsWriter::readNextCurrent() {
    if (m_index >= m_changes.size()) {
        const RegisterMap *map = m_session ? m_session->map() : nullptr;
        const bool ruled =
            map && std::any_of(m_changes.cbegin(), m_changes.cend(), [map](const SettingChange &c) {
                return !c.isRaw() && SettingRules::isRuled(map->family(), c.field.key);
            });
        if (ruled && !m_contextRead) {
            // The set-points are contiguous in every map that has rules (0xE005-0xE00E,
            // 4425-4432): one read.
            const QList<const FieldDef *> fields = SettingRules::ruleFields(*map);
            const int first = fields.first()->reg;
            const int last = fields.last()->lastReg();
            m_readingContext = true;
            m_awaitId = m_session->readRegisters(static_cast<quint16>(first),
                                                 static_cast<quint16>(last - first + 1));
            m_stepTimer.start();
            return;
        }
        if (m_options.skipUnchanged) {
            m_changes.removeIf([](const SettingChange &c) { return c.matches(c.oldRaw); });
        }
        if (!checkAndOrder())
            return;
        m_index = 0;
        setState(State::AwaitingConfirmation);
        Q_EMIT previewReady();
        return;
    }
    const SettingChange &c = m_changes.at(m_index);
    m_awaitId =
        m_session->readRegisters(c.verifyStart, static_cast<quint16>(c.verifyExpected.size()));
    m_stepTimer.start();
}

void SettingsWriter::confirm() {
    if (m_state != State::AwaitingConfirmation)
        return;
    if (m_changes.isEmpty()) {
        setState(State::Succeeded);
        Q_EMIT finished(true, QStringLiteral("nothing differs: nothing written"));
        return;
    }
    m_index = 0;
    writeCurrent();
}

void SettingsWriter::cancel() {
    if (m_state != State::ReadingCurrent && m_state != State::AwaitingConfirmation)
        return;
    m_stepTimer.stop();
    m_awaitId = 0;
    for (SettingChange &c : m_changes)
        c.status = SettingChange::Status::NotAttempted;
    setState(State::Cancelled);
    Q_EMIT finished(false, QStringLiteral("cancelled: nothing written"));
}

void SettingsWriter::writeCurrent() {
    if (!m_session) {
        fail(QStringLiteral("the session is gone"));
        return;
    }
    const SettingChange &c = m_changes.at(m_index);
    qCDebug(lcConfig).noquote() << "writing" << c.summary() << "frame" << modbus::toHex(c.frame);
    setState(State::Writing);
    m_awaitId = m_session->writeRegisters(c.request.start, c.request.values, c.request.function);
    m_stepTimer.start();
}

void SettingsWriter::onExchange(const Exchange &ex) {
    if (m_awaitId == 0 || ex.id != m_awaitId)
        return;
    m_awaitId = 0;
    m_stepTimer.stop();
    const bool ok = ex.outcome == Exchange::Outcome::Ok;
    QString answer = ex.error;
    if (ex.outcome == Exchange::Outcome::Exception)
        answer = QStringLiteral("device answered exception 0x%1 (%2)")
                     .arg(ex.response.exceptionCode, 2, 16, QLatin1Char('0'))
                     .arg(modbus::exceptionMeaning(ex.response.exceptionCode));
    if (!ex.responseFrame.isEmpty())
        answer += QStringLiteral("; reply %1").arg(modbus::toHex(ex.responseFrame));
    if (m_readingContext) {
        if (!ok) {
            fail(QStringLiteral("reading the other set-points failed: %1").arg(answer));
            return;
        }
        m_readingContext = false;
        m_contextRead = true;
        const RegisterMap *map = m_session->map();
        const int start = ex.request.start;
        for (const FieldDef *f : SettingRules::ruleFields(*map)) {
            const QList<quint16> words = ex.response.words.mid(f->reg - start, f->words);
            if (words.size() == f->words)
                m_deviceValues.insert(f->key,
                                      RegisterDecoder::decodeField(*f, words).value.toDouble());
        }
        readNextCurrent();
        return;
    }
    if (m_index >= m_changes.size())
        return;
    SettingChange &c = m_changes[m_index];

    switch (m_state) {
    case State::ReadingCurrent: {
        if (!ok) {
            fail(QStringLiteral("%1: reading the current value failed: %2").arg(c.name, answer));
            return;
        }
        // For the load switch these are the 0x0120 words: what the read-back compares.
        c.oldRaw = ex.response.words;
        c.oldText = c.describe(c.oldRaw);
        ++m_index;
        readNextCurrent();
        return;
    }
    case State::Writing:
        if (!ok) {
            fail(QStringLiteral("%1: write failed: %2").arg(c.name, answer));
            return;
        }
        // The echo only says the request arrived; a device may ignore it (docs/protocol.md 8.2).
        setState(State::Verifying);
        m_awaitId =
            m_session->readRegisters(c.verifyStart, static_cast<quint16>(c.verifyExpected.size()));
        m_stepTimer.start();
        return;
    case State::Verifying: {
        if (!ok) {
            fail(QStringLiteral("%1: written, but reading it back failed: %2").arg(c.name, answer));
            return;
        }
        if (!c.matches(ex.response.words)) {
            DecodedValue back;
            back.raw = ex.response.words;
            const QString text = c.describe(back.raw);
            c.result = QStringLiteral("read back %1 [%2]").arg(text, back.rawHex());
            fail(QStringLiteral("%1: the device echoed the write but still holds %2 [%3] (wanted "
                                "%4): not applied")
                     .arg(c.name, text, back.rawHex(), c.newText));
            return;
        }
        c.status = SettingChange::Status::Verified;
        c.result = QStringLiteral("verified");
        Q_EMIT changeFinished(static_cast<int>(m_index));
        ++m_index;
        if (m_index < m_changes.size()) {
            writeCurrent();
            return;
        }
        setState(State::Succeeded);
        Q_EMIT finished(true,
                        QStringLiteral("%1 setting(s) written and verified").arg(m_changes.size()));
        return;
    }
    default:
        return;
    }
}

bool SettingsWriter::checkAndOrder() {
    const RegisterMap *map = m_session ? m_session->map() : nullptr;
    if (!map || m_deviceValues.isEmpty())
        return true;
    SettingRules::Values target = m_deviceValues;
    QSet<QString> changed;
    for (const SettingChange &c : std::as_const(m_changes)) {
        if (c.isRaw() || !SettingRules::isRuled(map->family(), c.field.key))
            continue;
        target.insert(c.field.key, c.newValue());
        changed.insert(c.field.key);
    }
    if (const QStringList broken = SettingRules::violations(*map, target, changed);
        !broken.isEmpty()) {
        refuse(
            QStringLiteral("refused, nothing written: %1").arg(broken.join(QLatin1String("; "))));
        return false;
    }
    // Order by field key; changes that are not set-points keep their place in the queue.
    QStringList fieldKeys;
    for (const SettingChange &c : std::as_const(m_changes))
        fieldKeys.append(c.isRaw() ? c.name : c.field.key);
    const QStringList order = SettingRules::writeOrder(*map, m_deviceValues, target, fieldKeys);
    QList<SettingChange> ordered;
    for (const QString &key : order) {
        const auto it = std::find_if(m_changes.cbegin(), m_changes.cend(), [&key](const auto &c) {
            return (c.isRaw() ? c.name : c.field.key) == key;
        });
        ordered.append(*it);
    }
    m_changes = std::move(ordered);
    return true;
}

void SettingsWriter::refuse(const QString &message) {
    m_stepTimer.stop();
    m_awaitId = 0;
    m_error = message;
    for (SettingChange &c : m_changes)
        c.status = SettingChange::Status::NotAttempted;
    qCWarning(lcConfig).noquote() << message;
    setState(State::Refused);
    Q_EMIT finished(false, message);
}

void SettingsWriter::fail(const QString &message) {
    m_stepTimer.stop();
    m_awaitId = 0;
    m_error = message;
    if (m_index < m_changes.size()) {
        SettingChange &c = m_changes[m_index];
        c.status = SettingChange::Status::Failed;
        if (c.result.isEmpty()) {
            const QString prefix = c.name + QStringLiteral(": ");
            c.result = message.startsWith(prefix) ? message.mid(prefix.size()) : message;
        }
        for (qsizetype i = m_index + 1; i < m_changes.size(); ++i)
            m_changes[i].status = SettingChange::Status::NotAttempted;
        Q_EMIT changeFinished(static_cast<int>(m_index));
    }
    qCWarning(lcConfig).noquote() << message;
    setState(State::Failed);
    Q_EMIT finished(false, message);
}

QString SettingsWriter::previewText() const {
    QStringList lines;
    for (const SettingChange &c : m_changes)
        lines.append(
            QStringLiteral("  %1\n    frame: %2").arg(c.summary(), modbus::toHex(c.frame)));
    return lines.join(QLatin1Char('\n'));
}

} // namespace blupow
