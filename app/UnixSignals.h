#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace ym {

// Turns Unix signals into a Qt signal on the thread that created this object.
// The async handler only writes the signal number into a self-pipe; everything
// else happens in received(). One instance per process.
class UnixSignals final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnixSignals)

public:
    explicit UnixSignals(const QList<int>& signalNumbers, QObject* parent = nullptr);
    ~UnixSignals() override; // restores the default handlers

    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void received(int signalNumber);

private:
    void drain();

    QList<int> m_signals;
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace ym
