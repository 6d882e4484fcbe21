#pragma once

namespace ymtest {

// An event loop for libvirt's client (virEventRegisterImpl) on a thread of its
// own, built on poll(2), independent of Qt and GLib.
//
// Why not virEventRegisterDefaultImpl + virEventRunDefaultImpl: since libvirt
// 6 the default loop iterates GLib's global default GMainContext, which Qt's
// GLib event dispatcher owns on the main thread. libvirt's thread then waits
// for the context (events arrive late or never) or, holding it, runs the main
// thread's Qt sources on the wrong thread.
//
// The implementation is registered once per process, on the first acquire(),
// before any connection that needs events opens. The thread runs while at
// least one user holds it.
class LibvirtEventLoop
{
public:
    static void acquire();
    static void release();
};

} // namespace ymtest
