#include "transport.h"

namespace blupow {

Transport::~Transport() = default;

} // namespace blupow
