#pragma once

#include <QTcpServer>

namespace ym {

class ConnectionHub;

// A QTcpServer that hands each accepted descriptor straight to the hub: no
// QTcpSocket is ever made for a worker link. Create it on the engine thread.
class Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    static constexpr int Backlog = 4096; // Qt's default of 50 drops connections in a burst

    Listener(ConnectionHub& hub, QObject* parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    ConnectionHub& m_hub;
};

} // namespace ym
