#pragma once

#include <QList>
#include <QString>

namespace blupow::capture {

// What the GATT discovery in a capture revealed: services with their handle ranges and the
// characteristic declarations inside them.
class GattLayout {
public:
    struct Service {
        quint16 start = 0;
        quint16 end = 0;
        QString uuid; // canonical lowercase 128-bit form
    };
    struct Characteristic {
        quint16 declaration = 0;
        quint16 valueHandle = 0;
        quint8 properties =
            0; // 0x04 write without response, 0x08 write, 0x10 notify, 0x20 indicate
        QString uuid;
        QString serviceUuid; // of the service whose range holds the declaration; empty if unknown
    };

    void addService(const Service &service);
    void addCharacteristic(Characteristic characteristic);

    [[nodiscard]] const QList<Service> &services() const { return m_services; }
    [[nodiscard]] const QList<Characteristic> &characteristics() const { return m_chars; }

    // The Renogy request characteristic: ffd1 in service ffd0 with a write property. Packs with
    // duplicate ffd1 UUIDs exist, so the service and the property are both required
    // (docs/protocol.md 3.1).
    [[nodiscard]] const Characteristic *renogyWrite() const;
    // The Renogy reply characteristic: fff1 in service fff0 with notify or indicate.
    [[nodiscard]] const Characteristic *renogyNotify() const;

    // "0000ffd1-0000-1000-8000-00805f9b34fb" from a 16-bit UUID.
    [[nodiscard]] static QString uuid16(quint16 uuid);
    // From the 2 or 16 little-endian bytes ATT carries; empty for any other size.
    [[nodiscard]] static QString uuidFromAtt(const char *bytes, qsizetype size);

private:
    QList<Service> m_services;
    QList<Characteristic> m_chars;
};

} // namespace blupow::capture
