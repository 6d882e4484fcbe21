#pragma once

#include "util/Result.h"

#include <QString>

namespace ym::latent {

// qemu-img, run as a process with an argument list (no shell). Blocks the
// calling thread: call it on the ym-libvirt thread only.
namespace QemuImg {

// Creates `overlay` as a new qcow2 file backed by `base` (made absolute).
// The error carries qemu-img's own message.
Result<void> createOverlay(const QString& base, const QString& overlay);

} // namespace QemuImg

} // namespace ym::latent
