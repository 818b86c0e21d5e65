#include "numberfield.h"

#include <QKeyEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace blupow {

NumberField::NumberField(const QString &name, NumberRange range, double step, int decimals,
                         const QString &unit, QWidget *parent)
    : QLineEdit(parent)
    , m_name(name)
    , m_range(range)
    , m_step(step)
    , m_decimals(decimals)
    , m_unit(unit) {
    setAccessibleName(name);
    connect(this, &QLineEdit::textChanged, this, [this] {
        updateValidity();
        Q_EMIT valueEdited();
    });
    updateValidity();
}

std::optional<double> NumberField::value() const {
    return parseNumber(text(), m_range);
}

QString NumberField::error() const {
    if (isValid())
        return {};
    return numberError(m_name, text(), m_range, m_unit);
}

void NumberField::setValue(double x) {
    setText(QString::number(x, 'f', m_decimals));
    updateValidity(); // also when the caller blocks signals while it fills the field
}

void NumberField::keyPressEvent(QKeyEvent *event) {
    const int direction = event->key() == Qt::Key_Up ? 1 : (event->key() == Qt::Key_Down ? -1 : 0);
    if (direction == 0 || m_step <= 0 || isReadOnly()) {
        QLineEdit::keyPressEvent(event);
        return;
    }
    // Stepping starts from what is shown, even when it is out of range: the nearest valid value
    // is one key press away instead of a retyped field.
    const auto shown = parseNumber(
        text(), {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max()});
    const double from = shown.value_or(m_range.min);
    const double next = std::clamp(from + direction * m_step, m_range.min, m_range.max);
    setValue(std::round(next / m_step) * m_step);
    event->accept();
}

void NumberField::updateValidity() {
    // Empty and untouched (nothing read yet) is not an error worth red.
    const bool valid = isValid() || (text().isEmpty() && !isModified());
    setProperty("invalid", !valid);
    // Red with dark text reads the same on light and dark themes; the tooltip says why.
    setStyleSheet(valid ? QString()
                        : QStringLiteral("QLineEdit { border: 2px solid #c62828; "
                                         "background: #fdecea; color: #000000; }"));
    setToolTip(valid ? m_help : error());
}

void NumberField::setHelp(const QString &help) {
    m_help = help;
    updateValidity();
}

} // namespace blupow
