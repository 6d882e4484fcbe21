#pragma once

namespace ym::latent {

// libvirt's event loop (lifecycle events, keepalives, remote I/O) on a thread
// of its own. libvirt's built-in loop (virEventRegisterDefaultImpl) iterates
// GLib's default main context, which Qt's main thread also runs: libvirt's
// callbacks would then run on the GUI or engine thread and the loop thread
// would wait for the context. This is a small poll(2) loop registered with
// virEventRegisterImpl instead.
namespace LibvirtEventLoop {

// Registers the loop with libvirt (once per process, before the first
// connection) and starts its thread. False when it cannot (no pipe).
bool start();
// Stops the thread (process exit); registrations stay with libvirt.
void stop();

} // namespace LibvirtEventLoop

} // namespace ym::latent
