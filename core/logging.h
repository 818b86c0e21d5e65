#pragma once

#include <QLoggingCategory>

// One category per module (KDE Connect style); `--verbose` turns on "blupow.*.debug".
Q_DECLARE_LOGGING_CATEGORY(lcModbus)
Q_DECLARE_LOGGING_CATEGORY(lcRegisters)
Q_DECLARE_LOGGING_CATEGORY(lcBle)
Q_DECLARE_LOGGING_CATEGORY(lcSession)
Q_DECLARE_LOGGING_CATEGORY(lcSim)
Q_DECLARE_LOGGING_CATEGORY(lcMqtt)
Q_DECLARE_LOGGING_CATEGORY(lcCapture)
Q_DECLARE_LOGGING_CATEGORY(lcSettings)
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
Q_DECLARE_LOGGING_CATEGORY(lcHistory)

namespace blupow {
// Enables debug output of every BluPow category (and keeps Qt's own quiet).
void enableVerboseLogging();
} // namespace blupow
