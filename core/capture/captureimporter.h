#pragma once

#include "capturedexchange.h"
#include "conversationextractor.h"
#include "registers/registermap.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace blupow::capture {

// What a capture held, in numbers: for the CLI summary and the GUI's capture dialog.
struct CaptureSummary {
    struct Device {
        quint8 slave = 0;
        std::optional<Family> family;
        qsizetype requests = 0;
        qsizetype answered = 0;
    };
    struct Block {
        quint8 slave = 0;
        quint8 function = 0; // 0x03, 0x06, 0x10
        quint16 start = 0;
        quint16 count = 0;
        qsizetype times = 0;
    };
    QList<Device> devices; // by slave id
    QList<Block> reads;    // distinct (slave, start, count), in order of first appearance
    QList<Block> writes;
    qsizetype exchanges = 0;
    qsizetype ok = 0;
    qsizetype crcErrors = 0;
    qsizetype exceptions = 0;
    qsizetype otherErrors = 0; // wrong slave, byte count, echo mismatch...
    qsizetype unanswered = 0;

    void add(const CapturedExchange &exchange);
};

// The result of importing one capture file: everything the CLI prints and the GUI shows.
struct CaptureImport {
    bool ok = false;
    QString error;        // one line when the file could not be imported at all
    QStringList warnings; // what was skipped or broken, with record index and offset
    ConversationExtractor::Result capture; // datalink, records, handles and how they were found
    QList<CapturedExchange> exchanges;     // with decoded values
    CaptureSummary summary;
};

// Imports btsnoop captures (Android snoop logs, `btmon -w` files, BluPow's own recordings):
// finds the Renogy characteristics, pairs Modbus requests with their replies and decodes the
// registers with the register maps. The family of each exchange is forced by the options or
// guessed from the registers asked (5000+ battery, 4000+ inverter, 0x0000-0x01FF and 0xE000+
// controller) and the slave id (0x30-0x37 battery); registers no map knows stay raw words.
class CaptureImporter {
public:
    struct Options {
        std::optional<Family> family; // force one family for every exchange
        QString variant;              // register-map variant (battery: legacy, pro, ...)
    };

    explicit CaptureImporter(RegisterMaps maps, Options options = {});

    [[nodiscard]] CaptureImport importFile(const QString &path) const;
    [[nodiscard]] CaptureImport importData(QByteArrayView data) const;
    // Streams decoded exchanges to `sink` instead of keeping them (CaptureImport::exchanges stays
    // empty; the summary is filled): for captures too large to hold decoded.
    [[nodiscard]] CaptureImport
    importData(QByteArrayView data,
               const std::function<void(const CapturedExchange &)> &sink) const;

    // Remembers the last decoding of each (map, slave, function, start, count): a poll loop reads
    // the same block again and again, mostly with the same words, and decoding is by far the
    // dearest step of an import (bench_import). Local to one import.
    class DecodeCache {
    public:
        struct Entry {
            const RegisterMap *map = nullptr;
            quint8 slave = 0;
            quint8 function = 0;
            quint16 start = 0;
            QList<quint16> words;
            DecodedValues values;
        };
        [[nodiscard]] Entry *find(const RegisterMap *map, const modbus::Request &request);
        Entry &insert(Entry entry);

    private:
        QList<Entry> m_entries; // a poll loop reads a handful of blocks: linear search
    };

    // Fills family, variant and values of one exchange.
    void decode(CapturedExchange &exchange) const;
    void decode(CapturedExchange &exchange, DecodeCache *cache) const;

    // Registers of the exchange that no decoded value covers (shown as raw words).
    [[nodiscard]] static QList<int> rawOnlyRegisters(const CapturedExchange &exchange);
    [[nodiscard]] static std::optional<Family> familyFromRegister(int start);
    [[nodiscard]] static std::optional<Family> familyFromSlave(quint8 slave);

private:
    RegisterMaps m_maps;
    Options m_options;
};

} // namespace blupow::capture
