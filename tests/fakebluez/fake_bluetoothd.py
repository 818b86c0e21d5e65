#!/usr/bin/python3
# BluPow's own fake bluetoothd: an `org.bluez` on a private D-Bus bus that the unmodified Qt
# Bluetooth classes (and bleak) talk to as if it were BlueZ 5.66 with an LE adapter and Renogy
# devices in range. See docs/bluez-fake.md for the Qt call order this copies, and
# docs/ble.md for how the tests use it.
#
# Devices emulated by default (docs/protocol.md 1, 2.1):
#   BT-TH-66EDFC11  a BT-2 dongle with a Rover charge controller behind it (slave 0x01, and 0xFF)
#   BT-TH-16178A45  a legacy battery with built-in BLE (slave 0x30; answers 0xFF as 0x30)
#   BTRIC134000035  a REGO inverter-charger (slave 0x20; answers 0xFF as 0xFF)
#   JBL Flip 5      an unrelated LE device that a Renogy scanner must not list
# Their Modbus answers come from resources/registers/*.json plus a scenario of cooked values
# (tests/fakebluez/scenario.json), so no byte offset is written down twice.
#
# Must run under Debian's interpreter (python3-dbus, python3-gi), hence the absolute shebang.
import os
import sys

SELF = os.path.abspath(__file__)

# Qt 6.4 learns the BlueZ version by running the bus-name owner's binary with --version
# (/proc/<pid>/exe, then cmdline[0]); answer before importing anything heavy.
if len(sys.argv) > 1 and sys.argv[1] == "--version":
    print("5.66")
    sys.exit(0)


def _cmdline0():
    try:
        with open("/proc/self/cmdline", "rb") as f:
            return f.read().split(b"\0")[0].decode()
    except OSError:
        return ""


# Re-exec so that cmdline[0] is this script's absolute path: /proc/<pid>/exe is the Python
# interpreter (prints "Python 3.11", which Qt cannot parse), so Qt falls back to cmdline[0].
if _cmdline0() != SELF and os.environ.get("FAKE_BLUEZ_NO_REEXEC") != "1":
    os.execv(sys.executable, [SELF, SELF] + sys.argv[1:])

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import dbus  # noqa: E402
import dbus.mainloop.glib  # noqa: E402
import dbus.service  # noqa: E402
from gi.repository import GLib  # noqa: E402

sys.path.insert(0, os.path.dirname(SELF))
import modbusmodel  # noqa: E402

PROPS = "org.freedesktop.DBus.Properties"
OM = "org.freedesktop.DBus.ObjectManager"
ADAPTER = "org.bluez.Adapter1"
DEVICE = "org.bluez.Device1"
SERVICE = "org.bluez.GattService1"
CHAR = "org.bluez.GattCharacteristic1"
DESC = "org.bluez.GattDescriptor1"
CONTROL = "org.blupow.FakeBluez1"
ADAPTER_PATH = "/org/bluez/hci0"
CONTROL_PATH = "/org/blupow/fake"


def uuid16(short):
    return "0000%04x-0000-1000-8000-00805f9b34fb" % short


CCCD_UUID = uuid16(0x2902)
OAD_SERVICE = "f000ffd0-0451-4000-b000-000000000000"

T0 = time.monotonic()
TRACE = None


def trace(kind, text):
    if TRACE is not None:
        TRACE.write("%.3f %-4s %s\n" % (time.monotonic() - T0, kind, text))
        TRACE.flush()


class Error(dbus.DBusException):
    def __init__(self, name, message):
        super().__init__(message)
        self._dbus_error_name = "org.bluez.Error." + name


def ay(data):
    return dbus.Array([dbus.Byte(b) for b in data], signature="y")


class PropObject(dbus.service.Object):
    """An exported object with typed properties per interface (Qt rejects wrongly typed ones)."""

    def __init__(self, fake, path):
        self.fake = fake
        self.path = path
        self.props = {}
        super().__init__()  # exported by export(), so that InterfacesAdded follows the export

    def export(self):
        self.add_to_connection(self.fake.bus, self.path)
        self.fake.add_object(self)

    def interfaces(self):
        return {iface: dict(values) for iface, values in self.props.items()}

    def set_props(self, iface, changed, invalidated=()):
        for k, v in changed.items():
            self.props[iface][k] = v
        for k in invalidated:
            self.props[iface].pop(k, None)
        self.PropertiesChanged(iface, dbus.Dictionary(changed, signature="sv"),
                               dbus.Array(list(invalidated), signature="s"))
        trace("SIG", "%s PropertiesChanged %s %s %s" % (
            self.path, iface.split(".")[-1], {k: _short(v) for k, v in changed.items()},
            list(invalidated)))

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v", sender_keyword="sender")
    def Get(self, iface, name, sender=None):
        trace("CALL", "%s Get(%s, %s)" % (self.path, iface.split(".")[-1], name))
        try:
            return self.props[iface][name]
        except KeyError:
            raise dbus.DBusException("No such property '%s'" % name,
                                     name="org.freedesktop.DBus.Error.InvalidArgs")

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return dbus.Dictionary(self.props.get(iface, {}), signature="sv")

    @dbus.service.method(PROPS, in_signature="ssv")
    def Set(self, iface, name, value):
        if iface not in self.props or name not in self.props[iface]:
            raise dbus.DBusException("No such property", name="org.freedesktop.DBus.Error.InvalidArgs")
        self.set_props(iface, {name: value})
        self.on_set(iface, name, value)

    def on_set(self, iface, name, value):
        pass

    @dbus.service.signal(PROPS, signature="sa{sv}as")
    def PropertiesChanged(self, iface, changed, invalidated):
        pass


def _short(v):
    if isinstance(v, dbus.Array) and v.signature == "y":
        return bytes(v).hex()
    return v


class Root(dbus.service.Object):
    def __init__(self, fake):
        self.fake = fake
        super().__init__(fake.bus, "/")

    @dbus.service.method(OM, out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        trace("CALL", "/ GetManagedObjects()")
        return dbus.Dictionary({dbus.ObjectPath(p): o.interfaces()
                                for p, o in self.fake.objects.items()}, signature="oa{sa{sv}}")

    @dbus.service.signal(OM, signature="oa{sa{sv}}")
    def InterfacesAdded(self, path, interfaces):
        pass

    @dbus.service.signal(OM, signature="oas")
    def InterfacesRemoved(self, path, interfaces):
        pass


class Adapter(PropObject):
    def __init__(self, fake, powered):
        super().__init__(fake, ADAPTER_PATH)
        self.sessions = set()
        self.tick_source = None
        self.props[ADAPTER] = {
            "Address": "00:1A:7D:DA:71:13",
            "AddressType": "public",
            "Name": "blupow-fake",
            "Alias": "blupow-fake",
            "Class": dbus.UInt32(0x6c010c),
            "Powered": dbus.Boolean(powered),
            "Discoverable": dbus.Boolean(False),
            "DiscoverableTimeout": dbus.UInt32(180),
            "Pairable": dbus.Boolean(False),
            "PairableTimeout": dbus.UInt32(0),
            "Discovering": dbus.Boolean(False),
            "UUIDs": dbus.Array([], signature="s"),
            "Modalias": "usb:v1D6Bp0246d0542",
            "Roles": dbus.Array(["central", "peripheral"], signature="s"),
        }

    @property
    def powered(self):
        return bool(self.props[ADAPTER]["Powered"])

    @dbus.service.method(ADAPTER, in_signature="a{sv}", sender_keyword="sender")
    def SetDiscoveryFilter(self, flt, sender=None):
        trace("CALL", "%s SetDiscoveryFilter(%s)" % (self.path, dict(flt)))

    @dbus.service.method(ADAPTER, out_signature="as")
    def GetDiscoveryFilters(self):
        return dbus.Array(["UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData"], signature="s")

    @dbus.service.method(ADAPTER, sender_keyword="sender")
    def StartDiscovery(self, sender=None):
        trace("CALL", "%s StartDiscovery() from %s" % (self.path, sender))
        if not self.powered:
            raise Error("NotReady", "Resource Not Ready")
        if sender in self.sessions:
            raise Error("InProgress", "Operation already in progress")
        self.sessions.add(sender)
        self.update_discovering()

    @dbus.service.method(ADAPTER, sender_keyword="sender")
    def StopDiscovery(self, sender=None):
        trace("CALL", "%s StopDiscovery() from %s" % (self.path, sender))
        if not self.powered:
            raise Error("NotReady", "Resource Not Ready")
        if sender not in self.sessions:
            raise Error("Failed", "No discovery started")
        self.sessions.discard(sender)
        self.update_discovering()

    @dbus.service.method(ADAPTER, in_signature="o")
    def RemoveDevice(self, path):
        dev = self.fake.devices_by_path.get(str(path))
        if dev is None or not dev.exported:
            raise Error("DoesNotExist", "Does Not Exist")
        dev.drop_link()
        dev.unexport()

    def on_set(self, iface, name, value):
        if name == "Powered":
            self.fake.set_powered(bool(value))

    def drop_sender(self, name):
        if name in self.sessions:
            self.sessions.discard(name)
            self.update_discovering()

    def update_discovering(self):
        want = bool(self.sessions) and self.powered
        if want == bool(self.props[ADAPTER]["Discovering"]):
            return
        self.set_props(ADAPTER, {"Discovering": dbus.Boolean(want)})
        if want:
            self.tick_source = GLib.timeout_add(self.fake.args.adv_delay_ms, self.first_tick)
        else:
            if self.tick_source is not None:
                GLib.source_remove(self.tick_source)
                self.tick_source = None
            # bluetoothd invalidates RSSI when discovery stops.
            for dev in self.fake.devices:
                if dev.exported and "RSSI" in dev.props[DEVICE]:
                    dev.set_props(DEVICE, {}, ["RSSI"])

    def first_tick(self):
        self.advertise()
        self.tick_source = GLib.timeout_add(self.fake.args.adv_interval_ms, self.tick)
        return False

    def tick(self):
        self.advertise()
        return True

    def advertise(self):
        for dev in self.fake.devices:
            if dev.advertising and not dev.connected:
                dev.advertised()


class Device(PropObject):
    def __init__(self, fake, cfg):
        self.address = cfg["address"].upper()
        path = ADAPTER_PATH + "/dev_" + self.address.replace(":", "_")
        self.cfg = cfg
        self.name = cfg["name"]
        self.kind = cfg.get("kind", "")
        self.advertising = cfg.get("advertising", True)
        self.fail_connect = cfg.get("fail_connect", False)
        self.gatt_race = int(cfg.get("gatt_race", 0))
        # Whether a racing connection still gets its GATT objects later while it lasts (what
        # BlueZ does). The control interface turns it off: then the objects come with the next
        # connection, so whether a race happened cannot depend on how fast the client is.
        self.late_gatt = True
        self.exported = False
        self.gatt = []  # GATT objects, exported on the first connect (bluetoothd keeps them)
        self.gatt_exported = False
        self.pending_connect = None
        self.model = fake.models.get(self.kind)
        self._fake = fake
        self._path = path
        super().__init__(fake, path)
        self.props[DEVICE] = {
            "Address": self.address,
            "AddressType": "public",
            "Name": self.name,
            "Alias": self.name,
            "Adapter": dbus.ObjectPath(ADAPTER_PATH),
            "Paired": dbus.Boolean(False),
            "Bonded": dbus.Boolean(False),
            "Trusted": dbus.Boolean(False),
            "Blocked": dbus.Boolean(False),
            "LegacyPairing": dbus.Boolean(False),
            "Connected": dbus.Boolean(False),
            "ServicesResolved": dbus.Boolean(False),
            "UUIDs": dbus.Array(cfg.get("uuids", []), signature="s"),
            "ServiceData": dbus.Dictionary({}, signature="sv"),
        }
        mac = bytes.fromhex(self.address.replace(":", ""))
        if cfg.get("renogy", True):
            # docs/protocol.md 2.2: company id = first two MAC bytes little-endian, data = the rest.
            self.props[DEVICE]["ManufacturerData"] = dbus.Dictionary(
                {dbus.UInt16(mac[0] | (mac[1] << 8)): ay(mac[2:])}, signature="qv")
        self.rssi = int(cfg.get("rssi", -60))

    @property
    def connected(self):
        return bool(self.props[DEVICE]["Connected"])

    def export(self):
        if self.exported:
            return
        self.exported = True
        super().export()

    def unexport(self):
        if not self.exported:
            return
        for obj in reversed(self.gatt):
            self._fake.remove_object(obj)
        self.gatt_exported = False
        self.gatt = []
        self._fake.remove_object(self)
        self.exported = False

    def advertised(self):
        self.rssi_now = self.rssi + random.randint(-3, 3)
        if not self.exported:
            self.props[DEVICE]["RSSI"] = dbus.Int16(self.rssi_now)
            self.export()
        else:
            self.set_props(DEVICE, {"RSSI": dbus.Int16(self.rssi_now)})

    # --- Device1 ---------------------------------------------------------------------------
    @dbus.service.method(DEVICE, async_callbacks=("ok", "err"), sender_keyword="sender")
    def Connect(self, ok, err, sender=None):
        trace("CALL", "%s Connect() from %s" % (self.path, sender))
        a = self._fake.args
        if not self._fake.adapter.powered:
            err(Error("NotReady", "Resource Not Ready"))
            return
        if self.connected:
            ok()
            return
        if self.pending_connect is not None:
            err(Error("InProgress", "In Progress"))
            return
        self._fake.stats["connects"] += 1
        if self.fail_connect:
            def refuse():
                self.pending_connect = None
                trace("RET", "%s Connect -> refused" % self.path)
                err(Error("Failed", "le-connection-abort-by-local"))
                return False
            self.pending_connect = GLib.timeout_add(a.connect_delay_ms, refuse)
            return
        if not self.advertising:
            # An LE connect to a peripheral that does not advertise times out in bluetoothd.
            def timeout():
                self.pending_connect = None
                err(Error("Failed", "Page Timeout"))
                return False
            self.pending_connect = GLib.timeout_add(a.absent_connect_timeout_ms, timeout)
            return

        def link_up():
            self.pending_connect = None
            self.set_props(DEVICE, {"Connected": dbus.Boolean(True)})
            if not self.gatt_exported and self.gatt_race > 0:
                # bluez/bluez#1489: ServicesResolved before the GATT objects exist.
                self.gatt_race -= 1
                self._fake.stats["gatt_races"] += 1
                self.set_props(DEVICE, {"ServicesResolved": dbus.Boolean(True)})
                ok()
                GLib.timeout_add(a.gatt_race_delay_ms, self._late_gatt)
                return False
            self.export_gatt()
            GLib.timeout_add(a.resolve_delay_ms, resolved)
            return False

        def resolved():
            if self.connected:
                self.set_props(DEVICE, {"ServicesResolved": dbus.Boolean(True)})
                trace("RET", "%s Connect -> ok" % self.path)
                ok()
            else:
                err(Error("Failed", "Software caused connection abort"))
            return False

        self.pending_connect = GLib.timeout_add(a.connect_delay_ms, link_up)

    def _late_gatt(self):
        if self.connected and self.late_gatt:
            self.export_gatt()
        return False

    @dbus.service.method(DEVICE, sender_keyword="sender")
    def Disconnect(self, sender=None):
        trace("CALL", "%s Disconnect() from %s" % (self.path, sender))
        if self.pending_connect is not None:
            GLib.source_remove(self.pending_connect)
            self.pending_connect = None
        self.drop_link()

    @dbus.service.method(DEVICE)
    def Pair(self):
        raise Error("NotSupported", "Not Supported")

    @dbus.service.method(DEVICE)
    def CancelPairing(self):
        raise Error("DoesNotExist", "Does Not Exist")

    @dbus.service.method(DEVICE, in_signature="s")
    def ConnectProfile(self, uuid):
        raise Error("NotSupported", "Not Supported")

    @dbus.service.method(DEVICE, in_signature="s")
    def DisconnectProfile(self, uuid):
        raise Error("NotSupported", "Not Supported")

    def drop_link(self):
        if not self.connected:
            return
        self._fake.stats["disconnects"] += 1
        for obj in self.gatt:
            if isinstance(obj, Characteristic):
                obj.stop_all()
            if isinstance(obj, Characteristic) and obj.pending:
                for src in obj.pending:
                    GLib.source_remove(src)
                obj.pending = []
        self.set_props(DEVICE, {"ServicesResolved": dbus.Boolean(False)})
        self.set_props(DEVICE, {"Connected": dbus.Boolean(False)})

    # --- GATT ------------------------------------------------------------------------------
    def build_gatt(self):
        handle = [0x0009]

        def nxt():
            handle[0] += 1
            return "%04x" % handle[0]

        objs = []

        def service(uuid):
            s = GattService(self, "%s/service%s" % (self.path, nxt()), uuid)
            objs.append(s)
            return s

        def char(svc, uuid, flags, value=b""):
            c = Characteristic(svc, "%s/char%s" % (svc.path, nxt()), uuid, flags, value)
            objs.append(c)
            return c

        def cccd(ch):
            d = Descriptor(ch, "%s/desc%s" % (ch.path, nxt()), CCCD_UUID)
            objs.append(d)
            return d

        pro = self.cfg.get("pro_layout", False)
        if pro:
            # Battery Pro packs expose ffd1/fff1 more than once (docs/protocol.md 3.1): a TI OAD
            # service first, so that a client picking by UUID alone writes to the wrong one.
            oad = service(OAD_SERVICE)
            char(oad, uuid16(0xFFD1), ["read", "write"], b"\x00")
            n = char(oad, uuid16(0xFFF1), ["read", "notify"], b"\x00")
            cccd(n)
        ffd0 = service(uuid16(0xFFD0))
        if self.cfg.get("same_service_duplicates", False):
            # A read-only FFD1 before the real one in the same service. Qt 6.4's BlueZ D-Bus
            # backend resolves a write by UUID within the service and so writes to this one
            # (docs/ble.md, known limits); kept to reproduce that.
            char(ffd0, uuid16(0xFFD1), ["read"], b"\x00")
        self.write_char = char(ffd0, uuid16(0xFFD1), ["write-without-response", "write"])
        char(ffd0, uuid16(0xFFD2), ["read"], b"\x00\x00")
        self.prime_char = char(ffd0, uuid16(0xFFD4), ["read"], b"\x01")
        fff0 = service(uuid16(0xFFF0))
        if self.cfg.get("same_service_duplicates", False):
            char(fff0, uuid16(0xFFF1), ["read"], b"\x00")
        self.notify_char = char(fff0, uuid16(0xFFF1), ["notify"])
        if not self.cfg.get("no_cccd", False):
            cccd(self.notify_char)
        self.gatt = objs

    def export_gatt(self):
        if self.gatt_exported:
            return
        self.build_gatt()
        for obj in self.gatt:
            obj.export()
        self.gatt_exported = True

    # --- the Modbus side -------------------------------------------------------------------
    def request(self, data):
        if self.model is None:
            return
        reply = self.model.handle(bytes(data))
        if reply is None:
            return
        self.send_notifications(reply)

    def send_notifications(self, reply):
        a = self._fake.args
        chunks = [reply[i:i + a.mtu_payload] for i in range(0, len(reply), a.mtu_payload)]
        delay = a.response_delay_ms
        for chunk in chunks:
            src = [None]

            def emit(chunk=chunk, src=src):
                if src[0] in self.notify_char.pending:
                    self.notify_char.pending.remove(src[0])
                self.notify_char.notify(chunk)
                return False
            src[0] = GLib.timeout_add(delay, emit)
            self.notify_char.pending.append(src[0])
            delay += a.chunk_delay_ms


class GattService(PropObject):
    def __init__(self, device, path, uuid):
        self.device = device
        self._path = path
        super().__init__(device._fake, path)
        self.props = {SERVICE: {
            "UUID": uuid,
            "Primary": dbus.Boolean(True),
            "Device": dbus.ObjectPath(device.path),
            "Includes": dbus.Array([], signature="o"),
        }}


class Characteristic(PropObject):
    def __init__(self, service, path, uuid, flags, value):
        self.service = service
        self.device = service.device
        self._path = path
        self.uuid = uuid
        self.flags = flags
        self.notify_sessions = set()
        self.pending = []
        super().__init__(service.device._fake, path)
        self.props = {CHAR: {
            "UUID": uuid,
            "Service": dbus.ObjectPath(service._path),
            "Flags": dbus.Array(flags, signature="s"),
            "Value": ay(value),
            "MTU": dbus.UInt16(23),
        }}
        if "notify" in flags:
            self.props[CHAR]["Notifying"] = dbus.Boolean(False)

    def _need_link(self):
        if not self.device.connected:
            raise Error("Failed", "Not connected")

    @dbus.service.method(CHAR, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        trace("CALL", "%s ReadValue()" % self.path)
        self._need_link()
        if "read" not in self.flags:
            raise Error("NotPermitted", "Read not permitted")
        if self is self.device.prime_char:
            self.device._fake.stats["priming_reads"] += 1
        return self.props[CHAR]["Value"]

    @dbus.service.method(CHAR, in_signature="aya{sv}")
    def WriteValue(self, value, options):
        kind = str(options.get("type", "request"))
        trace("CALL", "%s WriteValue(%s, type=%s)" % (self.path, bytes(value).hex(), kind))
        self._need_link()
        flag = "write-without-response" if kind == "command" else "write"
        if flag not in self.flags:
            raise Error("NotSupported", "Operation is not supported")
        stats = self.device._fake.stats
        if self is not self.device.write_char:
            stats["wrong_char_writes"] += 1
            return
        stats["writes_" + kind] += 1
        data = bytes(value)
        GLib.idle_add(lambda: (self.device.request(data), False)[1])

    @dbus.service.method(CHAR, sender_keyword="sender")
    def StartNotify(self, sender=None):
        trace("CALL", "%s StartNotify() from %s" % (self.path, sender))
        self._need_link()
        if "notify" not in self.flags:
            raise Error("NotSupported", "Operation is not supported")
        if sender in self.notify_sessions:
            raise Error("InProgress", "In Progress")
        self.notify_sessions.add(sender)
        self.device._fake.stats["start_notify"] += 1
        if not self.props[CHAR]["Notifying"]:
            self.set_props(CHAR, {"Notifying": dbus.Boolean(True)})

    @dbus.service.method(CHAR, sender_keyword="sender")
    def StopNotify(self, sender=None):
        trace("CALL", "%s StopNotify() from %s" % (self.path, sender))
        self.notify_sessions.discard(sender)
        if not self.notify_sessions and self.props[CHAR].get("Notifying"):
            self.set_props(CHAR, {"Notifying": dbus.Boolean(False)})

    @dbus.service.method(CHAR, in_signature="a{sv}", out_signature="hq")
    def AcquireWrite(self, options):
        raise Error("NotSupported", "Operation is not supported")

    @dbus.service.method(CHAR, in_signature="a{sv}", out_signature="hq")
    def AcquireNotify(self, options):
        raise Error("NotSupported", "Operation is not supported")

    def stop_all(self):
        self.notify_sessions.clear()
        if self.props[CHAR].get("Notifying"):
            self.set_props(CHAR, {"Notifying": dbus.Boolean(False)})

    def drop_sender(self, name):
        if name in self.notify_sessions:
            self.StopNotify(sender=name)

    def notify(self, chunk):
        if not self.device.connected or not self.props[CHAR].get("Notifying"):
            return
        fake = self.device._fake
        fake.chunk_counter += 1
        if fake.drop_every and fake.chunk_counter % fake.drop_every == 0:
            fake.stats["dropped_chunks"] += 1
            trace("DROP", "%s %s" % (self.path, chunk.hex()))
            return
        # One PropertiesChanged per notification, even for a repeated value (gatt-client.c).
        self.set_props(CHAR, {"Value": ay(chunk)})


class Descriptor(PropObject):
    def __init__(self, characteristic, path, uuid):
        self.characteristic = characteristic
        self._path = path
        super().__init__(characteristic.device._fake, path)
        self.props = {DESC: {
            "UUID": uuid,
            "Characteristic": dbus.ObjectPath(characteristic._path),
            "Value": ay(b""),
        }}

    @dbus.service.method(DESC, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        on = bool(self.characteristic.props[CHAR].get("Notifying"))
        return ay(b"\x01\x00" if on else b"\x00\x00")

    @dbus.service.method(DESC, in_signature="aya{sv}")
    def WriteValue(self, value, options):
        # bluetoothd refuses CCCD writes: clients must use StartNotify (src/gatt-client.c).
        raise Error("NotPermitted", "Write not permitted")


class Control(dbus.service.Object):
    """Test hooks, on the private bus only: faults and counters."""

    def __init__(self, fake):
        self.fake = fake
        super().__init__(fake.bus, CONTROL_PATH)

    def _dev(self, address):
        dev = self.fake.device(address)
        if dev is None:
            raise dbus.DBusException("unknown device " + address, name="org.blupow.Error.NoDevice")
        return dev

    @dbus.service.method(CONTROL, in_signature="b")
    def SetPowered(self, on):
        self.fake.set_powered(bool(on))

    @dbus.service.method(CONTROL, in_signature="b")
    def SetAdapterPresent(self, present):
        self.fake.set_adapter_present(bool(present))

    @dbus.service.method(CONTROL, in_signature="sb")
    def SetFailConnect(self, address, fail):
        self._dev(address).fail_connect = bool(fail)

    @dbus.service.method(CONTROL, in_signature="sb")
    def SetAdvertising(self, address, on):
        dev = self._dev(address)
        dev.advertising = bool(on)

    @dbus.service.method(CONTROL, in_signature="s")
    def DropLink(self, address):
        for dev in self.fake.devices:
            if address in ("", dev.address):
                dev.drop_link()

    @dbus.service.method(CONTROL, in_signature="si")
    def SetGattRace(self, address, count):
        dev = self._dev(address)
        dev.gatt_race = int(count)
        dev.late_gatt = False

    @dbus.service.method(CONTROL, in_signature="i")
    def SetDropEvery(self, n):
        self.fake.drop_every = int(n)
        self.fake.chunk_counter = 0

    @dbus.service.method(CONTROL, in_signature="ii")
    def SetLatency(self, response_ms, chunk_ms):
        self.fake.args.response_delay_ms = int(response_ms)
        self.fake.args.chunk_delay_ms = int(chunk_ms)

    @dbus.service.method(CONTROL, in_signature="s")
    def AddDevice(self, cfg_json):
        cfg = json.loads(cfg_json)
        self.fake.add_device(cfg)

    @dbus.service.method(CONTROL, in_signature="s")
    def RemoveDevice(self, address):
        dev = self._dev(address)
        dev.drop_link()
        dev.unexport()

    @dbus.service.method(CONTROL)
    def Reset(self):
        """Back to the command-line configuration: adapter present and on, links down, no faults."""
        self.fake.reset()

    @dbus.service.method(CONTROL, out_signature="s")
    def Stats(self):
        return json.dumps(self.fake.stats)

    @dbus.service.method(CONTROL)
    def ResetStats(self):
        self.fake.reset_stats()


def default_devices(kinds):
    def uuids():
        return [uuid16(0xFFD0), uuid16(0xFFF0)]
    return [
        {"name": "BT-TH-66EDFC11", "address": "60:98:66:ED:FC:11", "kind": "controller",
         "rssi": -58, "uuids": uuids()},
        {"name": "BT-TH-16178A45", "address": "AC:4D:16:17:8A:45", "kind": "battery",
         "rssi": -71, "uuids": uuids(), "pro_layout": True},
        {"name": "BTRIC134000035", "address": "4C:E1:74:00:00:35", "kind": "inverter",
         "rssi": -64, "uuids": uuids()},
        {"name": "JBL Flip 5", "address": "F4:4E:FD:12:34:56", "kind": "", "rssi": -80,
         "uuids": [uuid16(0x110B)], "renogy": False},
    ]


class Fake:
    def __init__(self, args):
        self.args = args
        self.bus = dbus.SystemBus()
        self.objects = {}
        self.devices = []
        self.devices_by_path = {}
        self.drop_every = args.drop_every
        self.chunk_counter = 0
        self.reset_stats()
        root_dir = os.path.abspath(os.path.join(os.path.dirname(SELF), "..", ".."))
        maps_dir = args.registers or os.path.join(root_dir, "resources", "registers")
        scenario = args.scenario or os.path.join(os.path.dirname(SELF), "scenario.json")
        self.models = modbusmodel.build_models(maps_dir, scenario, log=self.log)
        self.root = Root(self)
        self.adapter = None
        self.control = Control(self)
        if not args.no_adapter:
            self.adapter = Adapter(self, not args.powered_off)
            self.adapter.export()
        devices = default_devices(None)
        if args.bank:
            # Two battery packs behind one BT-2, named as in the two-battery capture.
            devices.insert(-1, {"name": "BT-TH-FD866D73", "address": "C4:64:E3:FD:86:6D",
                                "kind": "bank", "rssi": -66,
                                "uuids": [uuid16(0xFFD0), uuid16(0xFFF0)]})
        for cfg in devices:
            if cfg["address"] in args.hidden:
                cfg["advertising"] = False
            if cfg["address"] in args.fail_connect or "all" in args.fail_connect:
                cfg["fail_connect"] = True
            if args.no_cccd:
                cfg["no_cccd"] = True
            if args.gatt_after_resolved:
                cfg["gatt_race"] = args.gatt_race_count
            self.add_device(cfg)
        if args.gatt_after_resolved:
            args.gatt_race_delay_ms = args.gatt_after_resolved
        self.bus.add_signal_receiver(self.name_owner_changed, "NameOwnerChanged",
                                     "org.freedesktop.DBus", "org.freedesktop.DBus",
                                     "/org/freedesktop/DBus")

    def reset(self):
        a = self.args
        self.set_adapter_present(not a.no_adapter)
        self.set_powered(not a.powered_off)
        for dev in self.devices:
            dev.drop_link()
            if dev.pending_connect is not None:
                GLib.source_remove(dev.pending_connect)
                dev.pending_connect = None
            dev.advertising = dev.cfg.get("advertising", True)
            dev.fail_connect = dev.cfg.get("fail_connect", False)
            dev.gatt_race = int(dev.cfg.get("gatt_race", 0))
        a.response_delay_ms, a.chunk_delay_ms = a.initial_latency
        self.drop_every = a.drop_every
        self.chunk_counter = 0
        self.reset_stats()

    def log(self, text):
        sys.stderr.write("fake_bluetoothd: %s\n" % text)
        sys.stderr.flush()

    def reset_stats(self):
        self.stats = {k: 0 for k in ("connects", "disconnects", "writes_command", "writes_request",
                                     "wrong_char_writes", "priming_reads", "start_notify",
                                     "gatt_races", "dropped_chunks")}

    def add_device(self, cfg):
        dev = Device(self, cfg)
        self.devices.append(dev)
        self.devices_by_path[dev._path] = dev
        if cfg.get("cached", False) or dev.address in self.args.cached or "all" in self.args.cached:
            dev.export()

    def device(self, address):
        for dev in self.devices:
            if dev.address == address.upper():
                return dev
        return None

    def add_object(self, obj):
        self.objects[obj.path] = obj
        self.root.InterfacesAdded(dbus.ObjectPath(obj.path), obj.interfaces())
        trace("SIG", "/ InterfacesAdded %s %s" % (obj.path, list(obj.props)))

    def remove_object(self, obj):
        if obj.path not in self.objects:
            return
        del self.objects[obj.path]
        self.root.InterfacesRemoved(dbus.ObjectPath(obj.path), dbus.Array(list(obj.props), signature="s"))
        obj.remove_from_connection()
        trace("SIG", "/ InterfacesRemoved %s" % obj.path)

    def set_powered(self, on):
        if self.adapter is None:
            return
        if not on:
            for dev in self.devices:
                dev.drop_link()
            self.adapter.sessions.clear()
            self.adapter.update_discovering()
        if bool(self.adapter.props[ADAPTER]["Powered"]) != on:
            self.adapter.set_props(ADAPTER, {"Powered": dbus.Boolean(on)})

    def set_adapter_present(self, present):
        if present and self.adapter is None:
            self.adapter = Adapter(self, True)
            self.adapter.export()
        elif not present and self.adapter is not None:
            self.set_powered(False)
            for dev in self.devices:
                dev.unexport()
            self.remove_object(self.adapter)
            self.adapter = None

    def name_owner_changed(self, name, old, new):
        if name.startswith(":") and old and not new:
            if self.adapter is not None:
                self.adapter.drop_sender(name)
            for obj in list(self.objects.values()):
                if isinstance(obj, Characteristic):
                    obj.drop_sender(name)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ready-file", help="written once org.bluez is owned")
    p.add_argument("--trace", help="log every call and signal to this file")
    p.add_argument("--registers", help="register-map directory (default resources/registers)")
    p.add_argument("--scenario", help="cooked values per device (default scenario.json)")
    p.add_argument("--adv-delay-ms", type=int, default=100,
                   help="from StartDiscovery to the first advertisement")
    p.add_argument("--adv-interval-ms", type=int, default=250, help="RSSI update interval")
    p.add_argument("--connect-delay-ms", type=int, default=50)
    p.add_argument("--resolve-delay-ms", type=int, default=20)
    p.add_argument("--absent-connect-timeout-ms", type=int, default=2000,
                   help="Connect to a device that does not advertise fails after this")
    p.add_argument("--response-delay-ms", type=int, default=0,
                   help="from a request to the first notification of its answer")
    p.add_argument("--chunk-delay-ms", type=int, default=0, help="between notifications")
    p.add_argument("--dongle", action="store_true",
                   help="dongle-like latency: 80 ms before the first notification, 30 ms between")
    p.add_argument("--mtu-payload", type=int, default=20, help="bytes per notification")
    p.add_argument("--bank", action="store_true",
                   help="add BT-TH-FD866D73: a BT-2 with battery slaves 0x30 and 0x31 behind it")
    p.add_argument("--powered-off", action="store_true")
    p.add_argument("--no-adapter", action="store_true", help="org.bluez without an Adapter1")
    p.add_argument("--fail-connect", action="append", default=[], metavar="ADDR|all")
    p.add_argument("--hidden", action="append", default=[], metavar="ADDR",
                   help="this device does not advertise")
    p.add_argument("--cached", action="append", default=[], metavar="ADDR|all",
                   help="this device is known to BlueZ from the start (no RSSI)")
    p.add_argument("--no-cccd", action="store_true", help="export FFF1 without its 2902 descriptor")
    p.add_argument("--gatt-after-resolved", type=int, default=0, metavar="MS",
                   help="first connect: ServicesResolved, then the GATT objects MS later")
    p.add_argument("--gatt-race-count", type=int, default=1)
    p.add_argument("--drop-every", type=int, default=0, metavar="N",
                   help="drop every Nth notification")
    args = p.parse_args()
    if args.dongle:
        args.response_delay_ms, args.chunk_delay_ms = 80, 30
    args.gatt_race_delay_ms = 300
    args.initial_latency = (args.response_delay_ms, args.chunk_delay_ms)
    args.fail_connect = [a.upper() for a in args.fail_connect]
    args.hidden = [a.upper() for a in args.hidden]
    args.cached = [a.upper() for a in args.cached]
    return args


def main():
    global TRACE
    args = parse_args()
    if args.trace:
        TRACE = open(args.trace, "w")
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    fake = Fake(args)
    # The name last: clients that see org.bluez must find every object in place.
    name = dbus.service.BusName("org.bluez", fake.bus, do_not_queue=True)  # noqa: F841
    loop = GLib.MainLoop()

    def quit_(*_):
        loop.quit()
        return False

    def link_loss(*_):
        for dev in fake.devices:
            dev.drop_link()
        return True

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, quit_)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, quit_)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, link_loss)
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    fake.log("org.bluez ready (pid %d)" % os.getpid())
    loop.run()


if __name__ == "__main__":
    main()
