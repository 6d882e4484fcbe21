// "Start instance" / "Stop instance…" on a latent worker: enablement per
// phase, the queued calls by name that reach the engine's face (observed on a
// receiver QObject with the Master's slot signatures), and the confirmation
// only when builds would be interrupted.
#include "workers/LatentActions.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>
#include <QWidget>

using namespace Qt::StringLiterals;
using ym::LatentState;
using ym::WorkerState;
using Phase = LatentState::Phase;

namespace {
// Receives what the console asks of the engine (the slots of ym::Master).
class Receiver final : public QObject
{
    Q_OBJECT

public:
    QStringList started;
    QList<std::pair<QString, bool>> stopped;

public Q_SLOTS:
    void startLatentWorker(const QString& name) { started << name; }
    void stopLatentWorker(const QString& name, bool force) { stopped.append({name, force}); }
};

WorkerState latentWorker(const QString& name, Phase phase, int runningBuilds = 0)
{
    WorkerState w;
    w.name = name;
    w.runningBuilds = runningBuilds;
    LatentState l;
    l.phase = phase;
    l.phaseSince = QDateTime::currentDateTimeUtc();
    w.latent = l;
    return w;
}

QMessageBox* confirmation(QWidget* parent)
{
    return parent->findChild<QMessageBox*>(u"confirmStopInstance"_s);
}
} // namespace

class TestLatentActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void enablement_data();
    void enablement();
    void standardWorkerHidesThem();
    void startCallsTheEngine();
    void stopWithoutBuildsDoesNotAsk();
    void stopWithBuildsAsksThenForces();
    void cancelledStopSendsNothing();
};

void TestLatentActions::enablement_data()
{
    QTest::addColumn<int>("phase");
    QTest::addColumn<bool>("canStart");
    QTest::addColumn<bool>("canStop");
    QTest::newRow("stopped") << int(Phase::Stopped) << true << false;
    QTest::newRow("starting") << int(Phase::Starting) << false << true;
    QTest::newRow("waiting for attach") << int(Phase::WaitingForAttach) << false << true;
    QTest::newRow("attached") << int(Phase::Attached) << false << true;
    QTest::newRow("stopping") << int(Phase::Stopping) << false << false;
    QTest::newRow("start failed") << int(Phase::StartFailed) << true << false;
    QTest::newRow("attach timed out") << int(Phase::AttachTimedOut) << true << false;
    // The instance may still run: stop it (again) first.
    QTest::newRow("stop failed") << int(Phase::StopFailed) << false << true;
}

void TestLatentActions::enablement()
{
    QFETCH(int, phase);
    QFETCH(bool, canStart);
    QFETCH(bool, canStop);
    Receiver engine;
    QWidget parent;
    ym::LatentActions actions(&engine, &parent);
    const WorkerState w = latentWorker(u"vm"_s, Phase(phase));
    actions.setWorker(&w);
    QVERIFY(actions.startAction()->isVisible());
    QVERIFY(actions.stopAction()->isVisible());
    QCOMPARE(actions.startAction()->isEnabled(), canStart);
    QCOMPARE(actions.stopAction()->isEnabled(), canStop);
    // A disabled action sends nothing even when triggered programmatically.
    actions.startAction()->trigger();
    actions.stopAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(engine.started.size() + engine.stopped.size(),
                              int(canStart) + int(canStop), 10000);
    QCOMPARE(engine.started, canStart ? QStringList{u"vm"_s} : QStringList{});
}

void TestLatentActions::standardWorkerHidesThem()
{
    Receiver engine;
    QWidget parent;
    ym::LatentActions actions(&engine, &parent);
    WorkerState plain;
    plain.name = u"plain"_s;
    actions.setWorker(&plain);
    QVERIFY(!actions.startAction()->isVisible());
    QVERIFY(!actions.stopAction()->isEnabled());
    actions.setWorker(nullptr);
    QVERIFY(!actions.startAction()->isEnabled());
}

void TestLatentActions::startCallsTheEngine()
{
    Receiver engine;
    QWidget parent;
    ym::LatentActions actions(&engine, &parent);
    const WorkerState w = latentWorker(u"vm-start"_s, Phase::AttachTimedOut);
    actions.setWorker(&w);
    actions.startAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(engine.started, QStringList{u"vm-start"_s}, 10000);
    QVERIFY(engine.stopped.isEmpty());
}

void TestLatentActions::stopWithoutBuildsDoesNotAsk()
{
    Receiver engine;
    QWidget parent;
    ym::LatentActions actions(&engine, &parent);
    const WorkerState w = latentWorker(u"vm-idle"_s, Phase::Attached, 0);
    actions.setWorker(&w);
    actions.stopAction()->trigger();
    QVERIFY(!confirmation(&parent));
    QTRY_COMPARE_WITH_TIMEOUT(engine.stopped.size(), 1, 10000);
    QCOMPARE(engine.stopped.first(), std::pair(u"vm-idle"_s, false));
}

void TestLatentActions::stopWithBuildsAsksThenForces()
{
    Receiver engine;
    QWidget parent;
    parent.show();
    ym::LatentActions actions(&engine, &parent);
    const WorkerState w = latentWorker(u"vm-busy"_s, Phase::Attached, 2);
    actions.setWorker(&w);
    actions.stopAction()->trigger();
    QMessageBox* box = confirmation(&parent);
    QVERIFY(box);
    QVERIFY2(box->text().contains(u"2 running build(s) will be interrupted"_s) ||
                 box->text().contains(u"2 running builds will be interrupted"_s),
             qPrintable(box->text()));
    QVERIFY(box->text().contains(u"vm-busy"_s));
    QCOMPARE(static_cast<QAbstractButton*>(box->defaultButton()), box->button(QMessageBox::Cancel));
    // Nothing is sent while the question is open.
    QCoreApplication::processEvents();
    QVERIFY(engine.stopped.isEmpty());
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE_WITH_TIMEOUT(engine.stopped.size(), 1, 10000);
    QCOMPARE(engine.stopped.first(), std::pair(u"vm-busy"_s, true));
}

void TestLatentActions::cancelledStopSendsNothing()
{
    Receiver engine;
    QWidget parent;
    parent.show();
    ym::LatentActions actions(&engine, &parent);
    const WorkerState busy = latentWorker(u"vm-busy"_s, Phase::WaitingForAttach, 1);
    actions.setWorker(&busy);
    actions.stopAction()->trigger();
    QMessageBox* box = confirmation(&parent);
    QVERIFY(box);
    QVERIFY(box->text().contains(u"1 running build"_s));
    box->button(QMessageBox::Cancel)->click();
    // A later stop of an idle worker is the only call that arrives.
    const WorkerState idle = latentWorker(u"vm-idle"_s, Phase::Starting, 0);
    actions.setWorker(&idle);
    actions.stopAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(engine.stopped.size(), 1, 10000);
    QCoreApplication::processEvents();
    QCOMPARE(engine.stopped, (QList<std::pair<QString, bool>>{{u"vm-idle"_s, false}}));
}

QTEST_MAIN(TestLatentActions)
#include "tst_latent_actions.moc"
