#pragma once

#include "parse/numberparse.h"

#include <QLineEdit>

#include <optional>

namespace blupow {

// A number editor that keeps what was typed. A QDoubleSpinBox with a maximum of 17.0 turns a
// typed "99" into 9.0 without a word; this field keeps "99", marks itself invalid and says why
// ("Float voltage wants V from 7 to 17, not '99'"), and the caller refuses to go on. Text is
// parsed by parseNumber(), the one helper the command line and config files use (no NaN, no
// infinities, C locale). Up and Down step by `step` from the value shown, within the range.
class NumberField : public QLineEdit {
    Q_OBJECT

public:
    NumberField(const QString &name, NumberRange range, double step, int decimals,
                const QString &unit, QWidget *parent = nullptr);

    // The number typed, when it parses and is inside the range.
    [[nodiscard]] std::optional<double> value() const;
    // Why value() is empty ("" when it is not).
    [[nodiscard]] QString error() const;
    [[nodiscard]] bool isValid() const { return value().has_value(); }
    // Shows `x` with the field's decimals, as the device's value is shown.
    void setValue(double x);
    [[nodiscard]] NumberRange range() const { return m_range; }
    // The tooltip while the text is valid (an invalid text shows why instead).
    void setHelp(const QString &help);

Q_SIGNALS:
    // Every edit, valid or not (typing, stepping, setValue()).
    void valueEdited();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void updateValidity();

    QString m_name;
    NumberRange m_range;
    double m_step;
    int m_decimals;
    QString m_unit;
    QString m_help;
};

} // namespace blupow
