#include "captureimporter.h"

#include "btsnoop.h"
#include "registers/registerdecoder.h"

#include <QFile>

namespace blupow::capture {

namespace {

CaptureSummary::Block &blockFor(QList<CaptureSummary::Block> &blocks, const modbus::Request &r) {
    const auto function = static_cast<quint8>(r.function);
    for (auto &b : blocks) {
        if (b.slave == r.slave && b.function == function && b.start == r.start &&
            b.count == r.count)
            return b;
    }
    blocks.append(CaptureSummary::Block{r.slave, function, r.start, r.count, 0});
    return blocks.last();
}

} // namespace

void CaptureSummary::add(const CapturedExchange &e) {
    const Exchange &x = e.exchange;
    ++exchanges;
    auto device = std::find_if(devices.begin(), devices.end(),
                               [&](const Device &d) { return d.slave == x.request.slave; });
    if (device == devices.end()) {
        auto at = std::find_if(devices.begin(), devices.end(),
                               [&](const Device &d) { return d.slave > x.request.slave; });
        device = devices.insert(at - devices.begin(), Device{x.request.slave, e.family, 0, 0});
    }
    if (!device->family)
        device->family = e.family;
    ++device->requests;
    if (x.outcome != Exchange::Outcome::Timeout)
        ++device->answered;
    ++blockFor(e.isWrite() ? writes : reads, x.request).times;
    switch (x.outcome) {
    case Exchange::Outcome::Ok:
        ++ok;
        break;
    case Exchange::Outcome::Exception:
        ++exceptions;
        break;
    case Exchange::Outcome::Timeout:
    case Exchange::Outcome::Cancelled:
        ++unanswered;
        break;
    case Exchange::Outcome::Error:
        if (x.response.error == modbus::ResponseError::BadCrc)
            ++crcErrors;
        else
            ++otherErrors;
        break;
    }
}

CaptureImporter::CaptureImporter(RegisterMaps maps, Options options)
    : m_maps(std::move(maps))
    , m_options(std::move(options)) {}

CaptureImport CaptureImporter::importFile(const QString &path) const {
    QFile file(path);
    QString error;
    const auto data = readCaptureDevice(file, &error);
    if (!data) {
        CaptureImport failed;
        failed.error = QStringLiteral("%1: %2").arg(path, error);
        return failed;
    }
    CaptureImport result = importData(*data);
    if (!result.ok)
        result.error = QStringLiteral("%1: %2").arg(path, result.error);
    return result;
}

CaptureImport CaptureImporter::importData(QByteArrayView data) const {
    QList<CapturedExchange> exchanges;
    CaptureImport result =
        importData(data, [&](const CapturedExchange &e) { exchanges.append(e); });
    result.exchanges = std::move(exchanges);
    return result;
}

CaptureImport
CaptureImporter::importData(QByteArrayView data,
                            const std::function<void(const CapturedExchange &)> &sink) const {
    CaptureImport result;
    DecodeCache cache;
    result.capture = ConversationExtractor::extract(data, [&](CapturedExchange &&e) {
        decode(e, &cache);
        result.summary.add(e);
        sink(e);
    });
    result.ok = result.capture.ok;
    result.error = result.capture.error;
    result.warnings = result.capture.warnings;
    return result;
}

std::optional<Family> CaptureImporter::familyFromRegister(int start) {
    // docs/protocol.md 6: battery 5000-5229 (and the 61440 ACP block is battery-only), inverter
    // 4000-4615, controller and DC-DC charger 0x000A-0x0122, 0xE001+, 0xF000+.
    if (start >= 5000 && start < 6000)
        return Family::Battery;
    if (start >= 4000 && start < 5000)
        return Family::Inverter;
    if (start < 0x0200 || start >= 0xE000)
        return Family::Controller;
    return std::nullopt;
}

std::optional<Family> CaptureImporter::familyFromSlave(quint8 slave) {
    // Batteries on a BT-2 bus or a hub answer at 0x30-0x37 (docs/protocol.md 4).
    if (slave >= 0x30 && slave <= 0x37)
        return Family::Battery;
    return std::nullopt;
}

CaptureImporter::DecodeCache::Entry *
CaptureImporter::DecodeCache::find(const RegisterMap *map, const modbus::Request &request) {
    const auto function = static_cast<quint8>(request.function);
    for (Entry &e : m_entries) {
        if (e.map == map && e.slave == request.slave && e.function == function &&
            e.start == request.start && e.words.size() == request.count)
            return &e;
    }
    return nullptr;
}

CaptureImporter::DecodeCache::Entry &CaptureImporter::DecodeCache::insert(Entry entry) {
    constexpr qsizetype kMaxEntries = 64; // more distinct blocks than any poll plan has
    if (m_entries.size() >= kMaxEntries)
        m_entries.removeFirst();
    m_entries.append(std::move(entry));
    return m_entries.last();
}

void CaptureImporter::decode(CapturedExchange &e) const {
    decode(e, nullptr);
}

void CaptureImporter::decode(CapturedExchange &e, DecodeCache *cache) const {
    const modbus::Request &r = e.exchange.request;
    e.family = m_options.family;
    if (!e.family)
        e.family = familyFromRegister(r.start);
    if (!e.family)
        e.family = familyFromSlave(r.slave);
    e.variant = m_options.variant;
    if (!e.family)
        return;
    const bool haveWords =
        e.isWrite() ? !r.values.isEmpty() : e.exchange.outcome == Exchange::Outcome::Ok;
    if (!haveWords)
        return;
    const RegisterMap *map = m_maps.find(*e.family, e.variant);
    // A forced variant (battery "pro") says nothing about the other devices of the capture.
    if (!map && !e.variant.isEmpty())
        map = m_maps.find(*e.family);
    if (!map || !map->isModbus())
        return;
    e.variant = map->variant();
    const qint64 ts = e.isWrite() ? e.exchange.sentMs : e.exchange.receivedMs;
    // One block is one cycle here: the map-wide checks (cells beyond the cell count) apply when
    // the count is in the same block, as in the vendor app's 5000 x34 read.
    const QList<quint16> words = e.words();
    DecodeCache::Entry *hit = cache ? cache->find(map, r) : nullptr;
    if (hit && hit->words == words) {
        // The same words decode to the same values; only the time differs.
        e.values = hit->values;
        for (DecodedValue &v : e.values)
            v.timestampMs = ts;
        return;
    }
    e.values = RegisterDecoder::decodeCycle(*map, {RegisterBlock{r.start, words, ts}});
    if (!cache)
        return;
    if (hit) {
        hit->words = words;
        hit->values = e.values;
    } else {
        cache->insert(DecodeCache::Entry{map, r.slave, static_cast<quint8>(r.function), r.start,
                                         words, e.values});
    }
}

QList<int> CaptureImporter::rawOnlyRegisters(const CapturedExchange &e) {
    const modbus::Request &r = e.exchange.request;
    const qsizetype n = e.words().size();
    QList<bool> covered(n, false);
    for (const DecodedValue &v : e.values) {
        for (int reg = v.reg; reg < v.reg + v.wordCount; ++reg) {
            const int i = reg - r.start;
            if (i >= 0 && i < n)
                covered[i] = true;
        }
    }
    QList<int> out;
    for (qsizetype i = 0; i < n; ++i) {
        if (!covered.at(i))
            out.append(r.start + static_cast<int>(i));
    }
    return out;
}

} // namespace blupow::capture
