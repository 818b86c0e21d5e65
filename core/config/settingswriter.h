#pragma once

#include "config/settingchange.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace blupow {

class DeviceSession;
struct Exchange;

// The safe write procedure (docs/protocol.md 8.2: write, then read back; no reference validates
// more):
//
//   Idle --prepare()--> ReadingCurrent --> AwaitingConfirmation --confirm()--> Writing
//        --echo--> Verifying --read-back equal--> (next change: Writing) ... --> Succeeded
//                       ReadingCurrent --set-points out of order--> Refused
//
// Validation happens inside prepare() against the session's register map and WritePolicy,
// before anything is queued: unknown fields, read-only fields, values out of range, off the step
// or outside the enum, and set-points given together that break SettingRules are refused and
// nothing is sent. A set-point changed alone is checked against the device's other set-points,
// read with the current values, before the preview: out of order, the writer ends in Refused and
// nothing is written. Changes to set-points are written in an order that keeps the device's
// set-points in order after every single write, where such an order exists. The preview (exact
// frames, old and new values, cooked and raw) is available once AwaitingConfirmation is reached;
// nothing is written until confirm(). The first change that fails (exception, timeout, bad echo,
// read-back that differs) ends the procedure in Failed and the remaining changes are not attempted.
class SettingsWriter : public QObject {
    Q_OBJECT

public:
    enum class State {
        Idle,
        ReadingCurrent,
        AwaitingConfirmation,
        Writing,
        Verifying,
        Succeeded,
        Failed,
        Cancelled,
        Refused // the device's current values showed the change breaks SettingRules
    };
    Q_ENUM(State)

    struct Options {
        // Changes whose current value already equals the new one are dropped from the preview
        // (a restore writes only what differs). Off: a same-value write-back is still sent.
        bool skipUnchanged = false;
        // Bound on each step (the session has its own per-request timeout; this covers a link
        // that is lost and not coming back).
        int stepTimeoutMs = 30000;
    };

    // `session` must outlive the writer; it must have identified the device (map() != nullptr).
    explicit SettingsWriter(DeviceSession *session, QObject *parent = nullptr);
    ~SettingsWriter() override;

    // Pure validation: the write for `target` on `map` at `slave`, or nothing with a one-line
    // reason. No I/O; old values are not known yet.
    [[nodiscard]] static std::optional<SettingChange>
    plan(const RegisterMap &map, quint8 slave, const SettingTarget &target, QString *error);
    // The controller's load switch (0x010A, 0x06, 1 on / 0 off; verified through 0x0120 bit 7).
    [[nodiscard]] static std::optional<SettingChange>
    planLoadSwitch(const RegisterMap &map, quint8 slave, bool on, QString *error);

    // The inverter's clock 4402-4404 set to `local` (docs/protocol.md 6.4.4): three one-register
    // writes (date, day and hour, minute and second), each read back. The seconds are not compared,
    // and a minute that turns over between the write and the read-back fails the check: the clock
    // runs on, so a person retries rather than BluPow guessing.
    [[nodiscard]] static std::optional<QList<SettingChange>>
    planClock(const RegisterMap &map, quint8 slave, const QDateTime &local, QString *error);

    // Expert mode (the register console): exact words from `start`, outside the map's access
    // marks and ranges. Still refused before anything is sent: WritePolicy's registers, a range
    // past 0xFFFF or longer than one request, and more than one register on a family that takes
    // one register per write (the inverter, docs/protocol.md 6.4.5). Verified by reading every word
    // back, like any other write.
    [[nodiscard]] static std::optional<SettingChange> planRaw(const RegisterMap &map, quint8 slave,
                                                              quint16 start,
                                                              const QList<quint16> &words,
                                                              QString *error);

    // Validates every target (all or nothing) and starts reading their current values. False,
    // with `error`, when anything is refused: then nothing has been sent.
    bool prepare(const QList<SettingTarget> &targets, const Options &options, QString *error);
    bool prepareLoadSwitch(bool on, QString *error);
    bool prepareClock(const QDateTime &local, QString *error);
    bool prepareRaw(quint16 start, const QList<quint16> &words, QString *error);

    void confirm(); // AwaitingConfirmation -> Writing
    void cancel();  // before confirm(): nothing is written

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const QList<SettingChange> &changes() const { return m_changes; }
    [[nodiscard]] QString errorString() const { return m_error; }
    // Human-readable preview of every change (after previewReady()).
    [[nodiscard]] QString previewText() const;

Q_SIGNALS:
    void stateChanged(blupow::SettingsWriter::State state);
    void previewReady();
    void changeFinished(int index);
    // Once, in Succeeded, Failed, Cancelled or Refused. `message` says which change failed and what
    // the device answered.
    void finished(bool ok, const QString &message);

private:
    // Nothing in progress and the device identified; else false with `error`.
    bool canPrepare(QString *error) const;
    bool begin(QList<SettingChange> changes, const Options &options);
    void setState(State next);
    void readNextCurrent();
    void writeCurrent();
    void onExchange(const Exchange &exchange);
    void fail(const QString &message);
    void refuse(const QString &message);
    // After the current values are in: SettingRules against them, then the write order. False
    // when refused.
    bool checkAndOrder();

    QPointer<DeviceSession> m_session;
    State m_state = State::Idle;
    Options m_options;
    QList<SettingChange> m_changes;
    qsizetype m_index = 0;
    quint64 m_awaitId = 0;
    QString m_error;
    // The set-points SettingRules relates, read as one block when a change touches one of them.
    bool m_readingContext = false;
    bool m_contextRead = false;
    QHash<QString, double> m_deviceValues;
    QTimer m_stepTimer; // bounds each read, write and read-back
};

[[nodiscard]] QString settingsWriterStateName(SettingsWriter::State state);

} // namespace blupow
