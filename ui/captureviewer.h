#pragma once

#include "capture/capturetimeline.h"
#include "device/discovereddevice.h"
#include "registers/registermap.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QSlider;

namespace blupow {

class ChartPanel;
class ConnectionManager;
class DeviceListModel;
class DeviceSession;
class FrameLogModel;
class LiveValuesPanel;

// File > Open capture shows what a capture holds, without a device and without replaying it
// through a session (a session's own probes find no answer in a phone's capture): each slave found
// joins the device list marked as the capture's, the chosen one's values fill Live values at the
// time slider's moment and the Chart over the whole capture, and Frames lists every captured
// exchange annotated as live ones are. This widget is the time bar over the values: which
// capture and device, a slider over the capture's time span (arrow keys step a second, Page keys
// a tenth, Home and End its ends) and the moment it points at.
class CaptureViewer : public QWidget {
    Q_OBJECT

public:
    // The panels and models the capture is shown in (the same the live session feeds).
    struct Targets {
        DeviceListModel *devices = nullptr;
        LiveValuesPanel *liveValues = nullptr;
        ChartPanel *chart = nullptr;
        FrameLogModel *frames = nullptr;
    };

    CaptureViewer(ConnectionManager *connections, const Targets &targets, RegisterMaps maps,
                  QWidget *parent = nullptr);

    // Replaces any open capture: its devices join the device list and the first one with values
    // is shown (the live connection, if any, ends). `source` names the recorded link (the BT-2's
    // advertised name), empty when the capture does not say.
    void open(const QString &path, std::shared_ptr<const capture::CaptureTimeline> timeline,
              const QString &source = {});
    // Shows `device` when it is one of the open capture's (true); false for any other device,
    // which the caller connects to instead.
    bool showDevice(const DiscoveredDevice &device);
    bool showSlave(quint8 slave);

public Q_SLOTS:
    // What the device list's Connect does: shows a device of the open capture, connects to any
    // other.
    void connectOrShow(const blupow::DiscoveredDevice &device);
    // What Disconnect does to a shown capture device: the panels empty, the capture's devices
    // stay listed.
    void stopShowing();

public:
    [[nodiscard]] bool isShowing() const { return m_shown.has_value(); }
    [[nodiscard]] std::optional<quint8> shownSlave() const { return m_shown; }
    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] const capture::CaptureTimeline *timeline() const { return m_timeline.get(); }
    // The device list's entry for a slave of the open capture.
    [[nodiscard]] DiscoveredDevice deviceEntry(quint8 slave) const;

    [[nodiscard]] QSlider *slider() const { return m_slider; }
    [[nodiscard]] QLabel *timeLabel() const { return m_time; }
    [[nodiscard]] QLabel *titleLabel() const { return m_title; }
    // The title whole (the label may show it elided).
    [[nodiscard]] QString title() const { return m_titleText; }
    // The moment shown, in epoch ms.
    [[nodiscard]] qint64 positionMs() const;
    void setPositionMs(qint64 atMs);

Q_SIGNALS:
    // A device of the capture is now shown (for the title and the device list's marking); empty
    // name and address when stopShowing() ended it.
    void deviceShown(const QString &name, const QString &address);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void setTitle(const QString &title);
    void elideTitle();
    void onSessionChanged(DeviceSession *session);
    void showPosition();
    void fillFrames();
    void fillChart(quint8 slave);
    [[nodiscard]] std::shared_ptr<const RegisterMap> mapFor(const capture::CapturedExchange &e);
    [[nodiscard]] QString timeText(qint64 atMs) const;

    ConnectionManager *m_connections;
    Targets m_targets;
    RegisterMaps m_maps;
    QLabel *m_title;
    QString m_titleText; // whole; the label shows it elided
    QSlider *m_slider;
    QLabel *m_time;
    QString m_path;
    QString m_source;
    std::shared_ptr<const capture::CaptureTimeline> m_timeline;
    std::optional<quint8> m_shown;
    bool m_framesShown = false; // the frames model holds this capture's exchanges
    qint64 m_unitMs = 1;        // one slider step; more than 1 ms only for captures of weeks
    QHash<QString, std::shared_ptr<const RegisterMap>> m_mapCopies; // by family and variant
};

} // namespace blupow
