#include "gattlayout.h"

namespace blupow::capture {

namespace {
constexpr quint8 kPropWriteNoResponse = 0x04;
constexpr quint8 kPropWrite = 0x08;
constexpr quint8 kPropNotify = 0x10;
constexpr quint8 kPropIndicate = 0x20;
} // namespace

void GattLayout::addService(const Service &service) {
    for (Service &s : m_services) {
        if (s.start == service.start) {
            s = service; // rediscovery after a reconnect: keep the latest
            return;
        }
    }
    m_services.append(service);
}

void GattLayout::addCharacteristic(Characteristic characteristic) {
    for (const Service &s : m_services) {
        if (characteristic.declaration >= s.start && characteristic.declaration <= s.end)
            characteristic.serviceUuid = s.uuid;
    }
    for (Characteristic &c : m_chars) {
        if (c.declaration == characteristic.declaration) {
            c = characteristic;
            return;
        }
    }
    m_chars.append(characteristic);
}

const GattLayout::Characteristic *GattLayout::renogyWrite() const {
    for (const Characteristic &c : m_chars) {
        if (c.uuid == uuid16(0xffd1) && c.serviceUuid == uuid16(0xffd0) &&
            (c.properties & (kPropWrite | kPropWriteNoResponse)))
            return &c;
    }
    return nullptr;
}

const GattLayout::Characteristic *GattLayout::renogyNotify() const {
    for (const Characteristic &c : m_chars) {
        if (c.uuid == uuid16(0xfff1) && c.serviceUuid == uuid16(0xfff0) &&
            (c.properties & (kPropNotify | kPropIndicate)))
            return &c;
    }
    return nullptr;
}

QString GattLayout::uuid16(quint16 uuid) {
    return QStringLiteral("0000%1-0000-1000-8000-00805f9b34fb").arg(uuid, 4, 16, QLatin1Char('0'));
}

QString GattLayout::uuidFromAtt(const char *bytes, qsizetype size) {
    const auto b = [bytes](qsizetype i) { return static_cast<quint8>(bytes[i]); };
    if (size == 2)
        return uuid16(static_cast<quint16>(b(0) | (b(1) << 8)));
    if (size != 16)
        return {};
    QString s;
    s.reserve(36);
    // ATT sends 128-bit UUIDs little-endian: the text form starts with the last byte.
    for (qsizetype i = 15; i >= 0; --i) {
        s += QStringLiteral("%1").arg(b(i), 2, 16, QLatin1Char('0'));
        if (i == 12 || i == 10 || i == 8 || i == 6)
            s += QLatin1Char('-');
    }
    return s;
}

} // namespace blupow::capture
