#pragma once

namespace blupow {

class ConnectionManager;
class DeviceListModel;

// Keeps the device list's Link and Now columns in step with the open links: each link's state
// in words ("connecting", "polling", "reconnecting in 4 s"), how many devices answer behind it,
// and what it reads now; a closed link's row is cleared. Lives as long as the model.
void showLinksInDeviceList(ConnectionManager *connections, DeviceListModel *model);

} // namespace blupow
