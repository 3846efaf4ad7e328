#pragma once
// Runs the `strata` binary under test (STRATA_BIN) and collects its exit code and output:
// the one way the end-to-end tests drive the command line.
#include <QProcess>
#include <QString>
#include <QStringList>

#include <sys/prctl.h>

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

}  // namespace strata::test
