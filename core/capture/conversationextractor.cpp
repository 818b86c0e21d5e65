#include "conversationextractor.h"

#include "attdecoder.h"
#include "btsnoop.h"
#include "capturediagnostics.h"
#include "device/renogynames.h"
#include "hcipacket.h"
#include "modbus/framereassembler.h"

#include <QHash>
#include <QStringList>

namespace blupow::capture {

namespace {

using Sev = CaptureDiagnostics::Severity;

bool isWrite(const AttPdu &pdu) {
    return !pdu.received && (pdu.opcode == att::kWriteCommand || pdu.opcode == att::kWriteRequest);
}

bool isNotification(const AttPdu &pdu) {
    return pdu.received && (pdu.opcode == att::kHandleValueNotification ||
                            pdu.opcode == att::kHandleValueIndication);
}

QString hex16(quint16 v) {
    return QStringLiteral("0x%1").arg(v, 4, 16, QLatin1Char('0'));
}

// True for a Renogy name in an HCI LE Advertising Report; the first one names the peer. Event
// 0x3E, subevent 0x02, one report: event type, address type, address (6 bytes, little-endian),
// data length, AD structures, RSSI.
bool learnPeer(QByteArrayView event, ConversationExtractor::Result &result) {
    if (event.size() < 13 || static_cast<quint8>(event[0]) != 0x3e || event[2] != 0x02 ||
        event[3] != 0x01)
        return false;
    const qsizetype dataLength = static_cast<quint8>(event[12]);
    if (13 + dataLength > event.size())
        return false;
    const QByteArrayView ad = event.sliced(13, dataLength);
    for (qsizetype at = 0; at + 1 < ad.size();) {
        const qsizetype len = static_cast<quint8>(ad[at]);
        if (len == 0 || at + 1 + len > ad.size())
            return false;
        const auto type = static_cast<quint8>(ad[at + 1]);
        if (type == 0x08 || type == 0x09) { // shortened / complete local name
            const QString name = QString::fromUtf8(ad.sliced(at + 2, len - 1)).trimmed();
            if (!matchAdvertisedName(name).isRenogy)
                return false;
            if (result.peerName.isEmpty()) {
                result.peerName = name;
                QStringList bytes;
                for (int i = 11; i >= 6; --i)
                    bytes.append(QStringLiteral("%1").arg(static_cast<quint8>(event[i]), 2, 16,
                                                          QLatin1Char('0')));
                // BluPow's recordings of a simulator write 00:00:00:00:00:00: no address.
                if (bytes.join(QString()) != QLatin1String("000000000000"))
                    result.peerAddress = bytes.join(QLatin1Char(':')).toUpper();
            }
            return true;
        }
        at += 1 + len;
    }
    return false;
}

// Walks the ATT PDUs of the capture while `visit` returns true.
template<typename Visitor>
void walkAtt(BtsnoopReader &reader, CaptureDiagnostics *diag, AttDecoder &decoder,
             ConversationExtractor::Result &result, Visitor &&visit) {
    QString skipped;
    bool first = true;
    while (const auto record = reader.next()) {
        if (first) {
            result.firstUs = record->epochUs();
            first = false;
        }
        result.lastUs = record->epochUs();
        if (record->truncated()) {
            diag->add(Sev::Problem,
                      QStringLiteral("record shorter than the packet captured (snap length; "
                                     "decoded as far as it goes)"),
                      record->index, record->offset,
                      QStringLiteral("%1 of %2 bytes")
                          .arg(record->data.size())
                          .arg(record->originalLength));
        }
        const auto packet = hciPacketFromRecord(reader.datalink(), *record, &skipped);
        if (!packet) {
            diag->add(Sev::Skipped, skipped, record->index, record->offset);
            continue;
        }
        if (packet->type == HciPacket::Type::Event && learnPeer(packet->payload, result))
            continue;
        if (auto pdu = decoder.feed(*packet); pdu && !visit(*pdu))
            break;
    }
    decoder.finish();
    result.records = reader.recordsRead();
}

constexpr qsizetype kEnoughRequests = 10000;

// Pass 1: which handles carry the Modbus traffic. GATT discovery names them by UUID when the
// capture starts before the connection; otherwise the handle whose writes parse as Modbus
// requests, and the notification handle that follows those writes most often.
void findHandles(QByteArrayView file, ConversationExtractor::Result &result) {
    BtsnoopReader reader(file);
    CaptureDiagnostics scratch;
    AttDecoder decoder(&scratch);
    QHash<quint16, qsizetype> modbusWrites;
    QHash<quint32, qsizetype> followers; // write handle << 16 | notify handle
    quint16 lastModbusWrite = 0;
    qsizetype requests = 0;
    walkAtt(reader, &scratch, decoder, result, [&](const AttPdu &pdu) {
        if (isWrite(pdu)) {
            if (modbus::parseRequest(pdu.value())) {
                lastModbusWrite = pdu.handle();
                ++modbusWrites[lastModbusWrite];
                // Enough evidence for the handle pattern: the rest of a long capture would only
                // repeat it, and this pass is half of the import time (docs/capture.md).
                if (++requests >= kEnoughRequests)
                    return false;
            }
        } else if (isNotification(pdu) && lastModbusWrite != 0) {
            ++followers[(quint32{lastModbusWrite} << 16) | pdu.handle()];
        } else if (pdu.opcode == att::kReadByTypeResponse) {
            // Discovery names both characteristics: nothing more to learn.
            if (decoder.gatt().renogyWrite() && decoder.gatt().renogyNotify())
                return false;
        }
        return true;
    });
    result.gatt = decoder.gatt();
    const auto *w = result.gatt.renogyWrite();
    const auto *n = result.gatt.renogyNotify();
    if (w && n) {
        result.writeHandle = w->valueHandle;
        result.notifyHandle = n->valueHandle;
        result.handleEvidence =
            QStringLiteral("GATT discovery in the capture: ffd1 in service ffd0 at handle %1, "
                           "fff1 in service fff0 at handle %2")
                .arg(hex16(result.writeHandle), hex16(result.notifyHandle));
        return;
    }
    qsizetype best = 0;
    for (auto it = modbusWrites.cbegin(); it != modbusWrites.cend(); ++it) {
        if (it.value() > best || (it.value() == best && it.key() < result.writeHandle)) {
            best = it.value();
            result.writeHandle = it.key();
        }
    }
    if (best == 0)
        return;
    qsizetype bestFollow = 0;
    for (auto it = followers.cbegin(); it != followers.cend(); ++it) {
        if ((it.key() >> 16) != result.writeHandle)
            continue;
        const auto h = static_cast<quint16>(it.key() & 0xffff);
        if (it.value() > bestFollow || (it.value() == bestFollow && h < result.notifyHandle)) {
            bestFollow = it.value();
            result.notifyHandle = h;
        }
    }
    result.handleEvidence =
        QStringLiteral("no GATT discovery in the capture; handle %1 carries %2 writes that parse "
                       "as Modbus requests, handle %3 the %4 notifications that follow them")
            .arg(hex16(result.writeHandle))
            .arg(best)
            .arg(result.notifyHandle ? hex16(result.notifyHandle) : QStringLiteral("(none)"))
            .arg(bestFollow);
}

// Pass 2: pairs each request with its reply.
class Pairer {
public:
    Pairer(const ConversationExtractor::Sink &sink, CaptureDiagnostics *diag)
        : m_sink(sink)
        , m_diag(diag) {}

    void request(const AttPdu &pdu, const modbus::Request &request) {
        if (m_pending)
            finishUnanswered(QStringLiteral("no reply before the next request"));
        m_pending.emplace();
        CapturedExchange &e = *m_pending;
        e.exchange.id = ++m_count;
        e.exchange.request = request;
        e.exchange.requestFrame = pdu.value().toByteArray();
        e.exchange.sentMs = floorMs(pdu.timestampUs);
        e.sentUs = pdu.timestampUs;
        e.requestRecord = pdu.record;
        m_reassembler.expect(request);
    }

    void notification(const AttPdu &pdu) {
        const QByteArrayView chunk = pdu.value();
        if (!m_pending) {
            m_diag->add(Sev::Problem,
                        QStringLiteral("notification with no request pending (unsolicited or a "
                                       "late reply)"),
                        pdu.record, pdu.offset, QStringLiteral("%1 bytes").arg(chunk.size()));
            return;
        }
        CapturedExchange &e = *m_pending;
        e.replyChunks.append(CapturedChunk{chunk.toByteArray(), pdu.timestampUs - e.sentUs});
        auto fed = m_reassembler.feed(chunk);
        e.exchange.dropped.append(fed.dropped);
        if (!fed.frame)
            return;
        e.exchange.responseFrame = *fed.frame;
        e.exchange.response = modbus::parseResponse(*fed.frame, e.exchange.request);
        e.exchange.receivedMs = floorMs(pdu.timestampUs);
        e.exchange.roundTripMs = static_cast<double>(pdu.timestampUs - e.sentUs) / 1000.0;
        if (e.exchange.response.ok()) {
            e.exchange.outcome = Exchange::Outcome::Ok;
        } else {
            e.exchange.outcome = e.exchange.response.error == modbus::ResponseError::Exception
                                     ? Exchange::Outcome::Exception
                                     : Exchange::Outcome::Error;
            e.exchange.error = modbus::describe(e.exchange.response, *fed.frame);
        }
        emitPending();
    }

    void finish() {
        if (m_pending)
            finishUnanswered(QStringLiteral("the capture ends before the reply"));
    }

    [[nodiscard]] qsizetype count() const { return static_cast<qsizetype>(m_count); }

private:
    static qint64 floorMs(qint64 us) { return us >= 0 ? us / 1000 : -((-us + 999) / 1000); }

    void finishUnanswered(const QString &why) {
        CapturedExchange &e = *m_pending;
        e.exchange.outcome = Exchange::Outcome::Timeout;
        e.exchange.error = QStringLiteral("no reply in the capture (%1)").arg(why);
        e.exchange.dropped.append(m_reassembler.reset());
        emitPending();
    }

    void emitPending() {
        m_reassembler.reset();
        CapturedExchange e = std::move(*m_pending);
        m_pending.reset();
        m_sink(std::move(e));
    }

    const ConversationExtractor::Sink &m_sink;
    CaptureDiagnostics *m_diag;
    modbus::FrameReassembler m_reassembler;
    std::optional<CapturedExchange> m_pending;
    quint64 m_count = 0;
};

} // namespace

ConversationExtractor::Result ConversationExtractor::extract(QByteArrayView file, const Sink &sink,
                                                             const Options &options) {
    Result result;
    result.fileBytes = file.size();
    {
        BtsnoopReader header(file);
        if (!header.isValid()) {
            result.error = header.error();
            return result;
        }
        result.datalink = header.datalink();
    }

    if (options.writeHandle && options.notifyHandle) {
        result.writeHandle = *options.writeHandle;
        result.notifyHandle = *options.notifyHandle;
        result.handleEvidence = QStringLiteral("handles given: write %1, notify %2")
                                    .arg(hex16(result.writeHandle), hex16(result.notifyHandle));
    } else {
        findHandles(file, result);
    }

    BtsnoopReader reader(file);
    CaptureDiagnostics diag;
    AttDecoder decoder(&diag);
    Pairer pairer(sink, &diag);
    walkAtt(reader, &diag, decoder, result, [&](const AttPdu &pdu) {
        if (result.writeHandle != 0 && isWrite(pdu) && pdu.handle() == result.writeHandle) {
            if (const auto request = modbus::parseRequest(pdu.value())) {
                pairer.request(pdu, *request);
            } else {
                // The vendor app writes an ASCII "main recv data[XX] [" acknowledgement after
                // each notification (docs/protocol.md 3.3, step 5): not Modbus, nothing to pair.
                diag.add(Sev::Skipped,
                         QStringLiteral("write to %1 that is not a Modbus request")
                             .arg(hex16(result.writeHandle)),
                         pdu.record, pdu.offset);
            }
        } else if (result.notifyHandle != 0 && isNotification(pdu) &&
                   pdu.handle() == result.notifyHandle) {
            pairer.notification(pdu);
        } else if (isWrite(pdu) || isNotification(pdu)) {
            // Discovery, MTU exchange and the like are expected and pass silently; data on
            // other characteristics (a CCCD write, the Device Information service) is named.
            diag.add(Sev::Skipped,
                     QStringLiteral("ATT write/notification on another handle than the Renogy "
                                    "characteristics"),
                     pdu.record, pdu.offset);
        }
        return true;
    });
    pairer.finish();
    result.exchanges = pairer.count();
    result.warnings = diag.lines();
    result.warnings.append(reader.skips());
    result.skippedBytes = reader.skippedBytes();
    result.skippedStretches = reader.skips().size();
    if (!reader.trailingProblem().isEmpty())
        result.warnings.append(reader.trailingProblem());
    if (result.writeHandle == 0)
        result.warnings.append(QStringLiteral("no Modbus request found in the capture (no ATT "
                                              "write parses as a Modbus request)"));
    result.gatt = decoder.gatt();
    result.ok = true;
    return result;
}

} // namespace blupow::capture
