#include "logging.h"

Q_LOGGING_CATEGORY(lcModbus, "blupow.modbus", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRegisters, "blupow.registers", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBle, "blupow.ble", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "blupow.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSim, "blupow.sim", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMqtt, "blupow.mqtt", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCapture, "blupow.capture", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSettings, "blupow.settings", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "blupow.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "blupow.ui", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHistory, "blupow.history", QtInfoMsg)

namespace blupow {

void enableVerboseLogging() {
    QLoggingCategory::setFilterRules(QStringLiteral("blupow.*.debug=true"));
}

} // namespace blupow
