#pragma once
// Runs the `strata` binary under test (STRATA_BIN) and collects its exit code and output:
// the one way the end-to-end tests drive the command line.
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QThread>

#include <sys/prctl.h>

#include <signal.h>

#include <csignal>

namespace strata::test {

// Makes the process started by `p` die with the test (SIGKILL when the test process's thread
// that started it ends): a test killed by a timeout or by hand leaves no strata behind,
// least of all a --nproc launcher and its workers training on for minutes.
inline void dieWithTest(QProcess& p) {
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

struct StrataRun {
    int code = -1;  // exit code; -1 when it crashed, -2 when it timed out (and was killed)
    QString out, err;
};

inline StrataRun runStrata(const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    dieWithTest(p);
    p.start(STRATA_BIN, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, "", "timeout"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The lines of `text` that start with "error:" (a refusal is exactly one of them).
inline QStringList errorLines(const QString& text) {
    QStringList out;
    for (const QString& line : text.split('\n'))
        if (line.startsWith("error:")) out << line;
    return out;
}

// Starts strata with `args` in `env`, stdout and stderr merged (the kill-and-resume tests read
// the progress lines as they come).
inline void startStrata(QProcess& p, const QStringList& args, const QProcessEnvironment& env) {
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    dieWithTest(p);
    p.start(STRATA_BIN, args);
}

// Runs strata to completion (2 minutes at most); returns the exit code (-1 for a crash or a
// timeout) and appends its merged output to *log.
inline int runStrataToEnd(const QStringList& args, const QProcessEnvironment& env, QString* log) {
    QProcess p;
    startStrata(p, args, env);
    const bool done = p.waitForFinished(120000);
    if (log) *log += QString::fromUtf8(p.readAll());
    if (!done) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// Reads p's merged output into `log` until `marker` appears (true), p ends or `ms` pass (false).
inline bool waitForOutput(QProcess& p, QString& log, const QString& marker, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!log.contains(marker) && t.elapsed() < ms) {
        if (p.state() == QProcess::NotRunning) break;
        p.waitForReadyRead(20);
        log += QString::fromUtf8(p.readAll());
    }
    log += QString::fromUtf8(p.readAll());
    return log.contains(marker);
}

// SIGKILLs p after `ms` milliseconds; false when it had already exited by itself.
inline bool killAfter(QProcess& p, int ms) {
    if (ms > 0) QThread::msleep(ulong(ms));
    const bool running = p.state() == QProcess::Running;
    if (running) ::kill(pid_t(p.processId()), SIGKILL);
    p.waitForFinished(30000);
    return running;
}

}  // namespace strata::test
