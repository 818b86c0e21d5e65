#pragma once

#include <QSortFilterProxyModel>

namespace blupow {

// Shows TX, RX or both, optionally only the frames that went wrong (bad CRC, exception, no reply,
// discarded bytes). Works on any model exposing FrameLogModel's roles.
class FrameLogFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setShowTx(bool show);
    void setShowRx(bool show);
    void setErrorsOnly(bool errorsOnly);
    [[nodiscard]] bool showTx() const { return m_showTx; }
    [[nodiscard]] bool showRx() const { return m_showRx; }
    [[nodiscard]] bool errorsOnly() const { return m_errorsOnly; }

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;

private:
    bool m_showTx = true;
    bool m_showRx = true;
    bool m_errorsOnly = false;
};

} // namespace blupow
