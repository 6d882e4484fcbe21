#include "protocol/Listener.h"

#include "protocol/ConnectionHub.h"
#include "util/Logging.h"

#include <QTimer>

namespace ym {

Listener::Listener(ConnectionHub& hub, QObject* parent) : QTcpServer(parent), m_hub(hub)
{
    setListenBacklogSize(Backlog);
    // QTcpServer stops accepting for good after an error such as EMFILE (out of
    // descriptors); try again a second later instead of going deaf.
    connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        qCWarning(lcProtocol).noquote() << "accepting on port" << serverPort()
                                        << "failed:" << errorString() << "(retrying in 1 s)";
        QTimer::singleShot(1000, this, [this] {
            if (isListening())
                resumeAccepting();
        });
    });
}

void Listener::incomingConnection(qintptr socketDescriptor)
{
    // No QTcpSocket: the hub's I/O threads own the descriptor from here on.
    m_hub.adopt(int(socketDescriptor));
}

} // namespace ym
