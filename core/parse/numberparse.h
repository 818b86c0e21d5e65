#pragma once

#include <QString>

#include <optional>

namespace blupow {

// The one way a number from a person (a command-line option, a config key, a spin box) becomes a
// value. `x < lo || x > hi` is false for NaN, so a range check alone lets "nan" through (a poll
// timer with a NaN interval never fires again); and "inf" passes any upper bound a caller forgot.
// These refuse both, and spaces, and an empty text.
struct NumberRange {
    double min = 0;
    double max = 0;
};

// A finite decimal number in [min, max] ("1.5", "1e3"); nothing otherwise.
[[nodiscard]] std::optional<double> parseNumber(const QString &text, NumberRange range);
// A whole number in [min, max]; `base` 0 also accepts 0x.. (as for a Modbus id).
[[nodiscard]] std::optional<qint64> parseInteger(const QString &text, qint64 min, qint64 max,
                                                 int base = 10);

// "NAME wants a number from MIN to MAX, not 'TEXT'": one wording for every refusal.
[[nodiscard]] QString numberError(const QString &name, const QString &text, NumberRange range,
                                  const QString &unit = {});

} // namespace blupow
